import { chineseNumeralValue } from './numerals.js';

/** List-item markers of Chinese documents: 第三条, 一、, （二）, (3), 4. 4、, ①. */
export const ITEM_MARKER = /(?:第[一二三四五六七八九十百]+[篇章节条]|[一二三四五六七八九十]+、|[（(][一二三四五六七八九十\d]{1,3}[)）]|\d{1,2}[、．](?!\d)|[①-⑳])/u;

/**
 * Every list-item marker in a text ((3) numbers an item; it states no figure), and 2. at the start of a
 * line or sentence (full-width 2． becomes 2. in search-normalised text; 2.5 is a decimal, not a marker).
 */
export const ITEM_MARKERS = new RegExp(`${ITEM_MARKER.source}|(?:^|(?<=[\\s。；;：:]))\\d{1,2}\\.(?!\\d)`, 'gmu');

const itemValue = (numeral: string): number | null => (/^\d+$/u.test(numeral) ? Number(numeral) : chineseNumeralValue(numeral));

/** The numeral of 第十四条 / 第4项 / 第三点 / 第二款, as a pattern source (one capture group). */
const ARTICLE_NUMERAL = '第\\s*([一二两三四五六七八九十百\\d]{1,4})\\s*[条项点款]';

export interface ItemReference {
  n: number;
  /** As the question wrote it: 第4条. */
  words: string;
}

/** 第4条, 第十四条, 第三项: the items of a document a question points at, by number. */
export function itemReferences(question: string): ItemReference[] {
  const refs: ItemReference[] = [];
  for (const m of question.matchAll(new RegExp(ARTICLE_NUMERAL, 'gu'))) {
    const n = itemValue(m[1]!);
    if (n !== null && n > 0 && !refs.some((r) => r.n === n)) refs.push({ n, words: m[0].replace(/\s/gu, '') });
  }
  return refs;
}

/**
 * The numbers of the items a text holds: 第十四条 anywhere, and at a line's or
 * sentence's start （3）, 三、, 4、 or 4.; ① … ⑳.
 */
export function itemNumbers(text: string): Set<number> {
  const found = new Set<number>();
  const marker = new RegExp(
    `${ARTICLE_NUMERAL}|(?:^|[\\n\\s。；;：:])(?:[（(]([一二三四五六七八九十\\d]{1,3})[)）]|([一二三四五六七八九十]+)、|(\\d{1,2})(?:、|[.．](?!\\d)))|([①-⑳])`,
    'gmu',
  );
  for (const m of text.matchAll(marker)) {
    const n = m[5] ? m[5].codePointAt(0)! - 0x2460 + 1 : itemValue((m[1] ?? m[2] ?? m[3] ?? m[4])!);
    if (n !== null) found.add(n);
  }
  return found;
}
