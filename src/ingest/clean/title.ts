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
 * Title: the loader's, else title metadata (see metadataTitle), else the
 * first paragraph/heading if it reads like a title, else the file name
 * without its extension. `paragraphs` are the joined blocks, so a PDF's
 * first wrapped line is not mistaken for a title.
 */
export function pickTitle(
  loaderTitle: string | undefined,
  metadata: string | null,
  paragraphs: readonly Block[],
  fileName: string,
): string {
  const given = loaderTitle?.trim();
  if (given) return given;
  if (metadata) return metadata;
  const first = firstTextBlocks(paragraphs)[0];
  if (first && looksLikeTitle(first.text)) return first.text.trim();
  return stripExtension(fileName);
}

/**
 * Drops title metadata near the top ("标题:…" and file-name lines): it names
 * the document, is carried as the title, and is not part of the text.
 */
export function dropTitleMetadata(blocks: readonly Block[]): Block[] {
  const head = new Set(firstTextBlocks(blocks));
  return blocks.filter((b) => !(head.has(b) && (labelledTitle(b.text) !== null || isFileNameLine(b.text))));
}
