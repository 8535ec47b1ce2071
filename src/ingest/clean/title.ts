import type { Block } from '../types.js';
import { matchMarker } from '../split/markers.js';
import { visualWidth } from './chars.js';

/** How far into the document a title or title metadata may sit. */
const HEAD_BLOCKS = 6;
const MAX_TITLE_WIDTH = 60;

const LABELLED_TITLE = /^(?:标\s*题|题\s*目|文件名称)\s*[:：]\s*(.+)$/;
const DATE_LINE = /^[\d〇零一二三四五六七八九十]{2,4}\s*年(?:\s*[\d一二三四五六七八九十]{1,2}\s*月(?:\s*[\d一二三四五六七八九十]{1,3}\s*日)?)?$/;
const FILE_NAME_LINE = /^[^\s/\\]{2,120}\.(?:docx?|pdf|txt|wps|pptx?|md)$/i;

/** "标题:推进…方案" → the title; otherwise null. */
export function labelledTitle(text: string): string | null {
  const m = LABELLED_TITLE.exec(text.trim());
  return m?.[1]?.trim() || null;
}

/** A bare file name ("…实施方案.docx") that a scraper printed as the page title. */
export function isFileNameLine(text: string): boolean {
  return FILE_NAME_LINE.test(text.trim());
}

export function stripExtension(name: string): string {
  const base = name.split(/[\\/]/).pop() ?? name;
  return base.replace(/\.[A-Za-z0-9]{1,5}$/, '');
}

/**
 * A line that reads like a document title: short, no sentence punctuation,
 * not a section of the document (第一篇…, 一、…) and not a date.
 */
export function looksLikeTitle(text: string): boolean {
  const t = text.trim();
  if (t === '' || visualWidth(t) > MAX_TITLE_WIDTH) return false;
  if (/[。！？；，,;!?]/.test(t)) return false;
  if (matchMarker(t)) return false;
  return !DATE_LINE.test(t);
}

function firstTextBlocks(blocks: readonly Block[]): Block[] {
  return blocks.filter((b) => b.kind !== 'table-row' && b.text.trim() !== '').slice(0, HEAD_BLOCKS);
}

/**
 * A title stated as metadata by the first meaningful line: "标题:…", or a
 * file-name line without its extension. Read before lines are joined.
 */
export function metadataTitle(blocks: readonly Block[]): string | null {
  const first = firstTextBlocks(blocks)[0];
  if (!first) return null;
  const text = first.text.trim();
  return labelledTitle(text) ?? (isFileNameLine(text) ? stripExtension(text) : null);
}

/**
 * The title the document states itself: the loader's, else title metadata
 * (see metadataTitle), else the first paragraph/heading if it reads like a
 * title. `paragraphs` are the joined blocks, so a PDF's first wrapped line is
 * not mistaken for a title.
 */
export function givenTitle(loaderTitle: string | undefined, metadata: string | null, paragraphs: readonly Block[]): string | null {
  const given = loaderTitle?.trim();
  if (given) return given;
  if (metadata) return metadata;
  const first = firstTextBlocks(paragraphs)[0];
  if (first && looksLikeTitle(first.text)) return first.text.trim();
  return null;
}

/** Title: the one the document states (givenTitle), else the file name without its extension. */
export function pickTitle(
  loaderTitle: string | undefined,
  metadata: string | null,
  paragraphs: readonly Block[],
  fileName: string,
): string {
  return givenTitle(loaderTitle, metadata, paragraphs) ?? stripExtension(fileName);
}

const PART_HEADING = /^第([一二三四五六七八九十百零〇两\d]+)篇\s*[：:、．.]?\s*(.+)$/;
const CN_DIGITS = '零一二三四五六七八九';

/** A count in words: 2 → 两, 5 → 五, 12 → 十二, 25 → 二十五 (below 100; digits beyond). */
export function chineseCount(n: number): string {
  if (n === 2) return '两';
  if (n < 10) return CN_DIGITS[n] ?? String(n);
  if (n >= 100) return String(n);
  const tens = Math.floor(n / 10);
  const ones = n % 10;
  return `${tens === 1 ? '' : CN_DIGITS[tens]}十${ones === 0 ? '' : CN_DIGITS[ones]}`;
}

function commonSuffix(names: readonly string[]): string {
  let suffix = names[0] ?? '';
  for (const n of names) {
    while (suffix && !n.endsWith(suffix)) suffix = suffix.slice(1);
  }
  return suffix;
}

/** A common ending this long names what the parts are ("义务教育均衡发展规划"). */
const MIN_COMMON_PART_NAME = 4;

/**
 * A compilation that starts with "第一篇：…" and names no title of its own:
 * one part → that part's name; several → the name they share with the count
 * ("义务教育均衡发展规划（五篇）"), else the first name and the count.
 */
export function partsTitle(paragraphs: readonly Block[]): string | null {
  const first = firstTextBlocks(paragraphs)[0];
  if (!first || !PART_HEADING.test(first.text.trim())) return null;
  const names: string[] = [];
  for (const b of paragraphs) {
    const m = PART_HEADING.exec(b.text.trim());
    if (m?.[2] && looksLikeTitle(m[2])) names.push(m[2].trim());
  }
  if (names.length === 0) return null;
  if (names.length === 1) return names[0]!;
  const shared = commonSuffix(names);
  const count = chineseCount(names.length);
  return shared.length >= MIN_COMMON_PART_NAME ? `${shared}（${count}篇）` : `${names[0]}等${count}篇`;
}

/** "为你精心准备了《某某报告》参考范文…": a document-sharing site's caption names the document. */
const SCRAPE_CAPTION = /为[你您]精心(?:准备|整理|收集|挑选|编辑)了(?:一篇|\d+篇|[一二三四五六七八九十]篇)?(.{4,40}?)(?:参考|精选|优秀)?范文/;

/**
 * The document's name as a document-sharing site's caption gives it, read
 * from the raw blocks before the boilerplate cleaner removes the caption (the
 * first lines are read as one text: a PDF wraps the caption over several).
 */
export function scrapedTitle(blocks: readonly Block[]): string | null {
  const head = firstTextBlocks(blocks).map((b) => b.text.trim()).join('');
  const name = SCRAPE_CAPTION.exec(head)?.[1]?.trim();
  return name && looksLikeTitle(name) ? name : null;
}

/**
 * The title the document's own text gives it: stated (givenTitle), or its
 * parts' names, or a scrape site's caption; null when only the file name is left.
 */
export function ownTitle(
  loaderTitle: string | undefined,
  metadata: string | null,
  paragraphs: readonly Block[],
  scraped: string | null,
): string | null {
  return givenTitle(loaderTitle, metadata, paragraphs) ?? partsTitle(paragraphs) ?? scraped;
}

/**
 * Drops title metadata near the top ("标题:…" and file-name lines): it names
 * the document, is carried as the title, and is not part of the text.
 */
export function dropTitleMetadata(blocks: readonly Block[]): Block[] {
  const head = new Set(firstTextBlocks(blocks));
  return blocks.filter((b) => !(head.has(b) && (labelledTitle(b.text) !== null || isFileNameLine(b.text))));
}
