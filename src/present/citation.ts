import type { Citation } from '../answer/types.js';
import { sectionWithinDocument } from '../answer/citation.js';
import { cutWords } from '../index/segment.js';

/**
 * How a source is named to the user: 《文件》 · 章节 · 第N页. Used by the
 * answer view (src/chat), the tour (src/learn) and 查看原文, so it sits below
 * all of them.
 */

/** Section paths of scraped documents can be long; a citation keeps the last levels that fit. */
const MAX_SECTION = 40;

const OPENERS = '《（(【「『“‘[〔';
const CLOSERS = '》）)】」』”’]〕';

/**
 * `text` cut to at most `max` characters (code points: a surrogate pair is
 * never split), ending in … ; a bracket left open by the cut is closed after
 * the …, and a cut that would end on an opening bracket or a separator
 * (› · 、，) drops it. The cut falls between words where one fits.
 */
export function truncate(text: string, max: number): string {
  const chars = [...text];
  if (chars.length <= max) return text;
  // Prefer a cut between words (看看：优质均衡… not 看看：优质均…); any code point when no word boundary fits.
  const boundaries = new Set<number>();
  let at = 0;
  for (const w of cutWords(text)) boundaries.add((at += [...w].length));
  const atWord = (k: number) => boundaries.has(k) || /[\s›·、，,：:]/u.test(chars[k] ?? '');
  return cutAt(chars, max, atWord) ?? cutAt(chars, max, () => true) ?? chars.slice(0, max).join('');
}

function cutAt(chars: readonly string[], max: number, allowed: (k: number) => boolean): string | null {
  for (let k = max - 1; k > 0; k--) {
    if (!allowed(k)) continue;
    const cut = chars.slice(0, k);
    while (cut.length > 0 && (OPENERS.includes(cut.at(-1)!) || /[\s›·、，,：:]/u.test(cut.at(-1)!))) cut.pop();
    const open: string[] = [];
    for (const c of cut) {
      const o = OPENERS.indexOf(c);
      if (o >= 0) open.push(CLOSERS[o]!);
      else if (CLOSERS.includes(c) && open.at(-1) === c) open.pop();
    }
    if (cut.length > 0 && cut.length + 1 + open.length <= max) return `${cut.join('')}…${open.reverse().join('')}`;
  }
  return null;
}

/** The deepest levels of a section path that fit, joined by › . */
export function sectionLabel(path: readonly string[]): string {
  const parts = [...path];
  while (parts.length > 1 && parts.join(' › ').length > MAX_SECTION) parts.shift();
  return truncate(parts.join(' › '), MAX_SECTION);
}

export function pageLabel(page: number | null, pageEnd: number | null): string | null {
  if (page === null) return null;
  return pageEnd !== null && pageEnd !== page ? `第${page}–${pageEnd}页` : `第${page}页`;
}

/** The section of a document a citation or suggestion names, without levels repeating the title; '' when none. */
export function sectionOf(c: Pick<Citation, 'title' | 'sectionPath'>): string {
  return sectionLabel(sectionWithinDocument(c.title, c.sectionPath));
}

/** "《文件》 · 章节路径 · 第N页" (page only when known). */
export function sourceLabel(c: Pick<Citation, 'title' | 'sectionPath' | 'page'> & { pageEnd?: number | null }): string {
  const parts = [`《${c.title}》`];
  const section = sectionOf(c);
  if (section) parts.push(section);
  const page = pageLabel(c.page, c.pageEnd ?? null);
  if (page) parts.push(page);
  return parts.join(' · ');
}

/** "[1] 《文件》 · 章节路径 · 第N页" */
export function citationLine(n: number, c: Pick<Citation, 'title' | 'sectionPath' | 'page' | 'pageEnd'>): string {
  return `[${n}] ${sourceLabel(c)}`;
}
