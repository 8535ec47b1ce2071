import type { Citation } from './types.js';

/** Section paths of scraped documents can be long; a citation keeps the last levels that fit. */
const MAX_SECTION = 40;

/** The section path without levels that only repeat the document title (a Markdown `#` title). */
export function sectionWithinDocument(title: string, path: readonly string[]): string[] {
  return path.filter((p) => p !== title);
}

const ITEM_MARKER = /^(?:第[一二三四五六七八九十百]+[篇章节条]|[一二三四五六七八九十]+、|[（(][一二三四五六七八九十]+[)）]|[（(]\d+[)）]|\d+[、.．]|[①-⑳])/u;

function markerKind(text: string): string | null {
  const m = ITEM_MARKER.exec(text);
  if (!m) return null;
  return m[0].replace(/[一二三四五六七八九十百]+/gu, '一').replace(/\d+/gu, '1').replace(/[①-⑳]/u, '①');
}

/**
 * A passage's path names where it starts; when the quote begins at a later
 * item of the same list ("5.生均体育运动场馆面积：…" in a passage that starts at
 * item 4), the citation names that item instead.
 */
export function quotedSectionPath(path: readonly string[], quote: string): string[] {
  const last = path.at(-1);
  const kind = markerKind(quote);
  if (!last || !kind || markerKind(last) !== kind) return [...path];
  const head = quote.split(/[：:。；;，,]/u)[0]!.slice(0, 30);
  return head === last ? [...path] : [...path.slice(0, -1), head];
}

export function sectionLabel(path: readonly string[]): string {
  const parts = [...path];
  while (parts.length > 1 && parts.join(' › ').length > MAX_SECTION) parts.shift();
  const label = parts.join(' › ');
  return label.length > MAX_SECTION ? `${label.slice(0, MAX_SECTION - 1)}…` : label;
}

export function pageLabel(page: number | null, pageEnd: number | null): string | null {
  if (page === null) return null;
  return pageEnd !== null && pageEnd !== page ? `第${page}–${pageEnd}页` : `第${page}页`;
}

/** "[1] 《文件》 · 章节路径 · 第N页" */
export function formatCitation(n: number, c: Pick<Citation, 'title' | 'sectionPath' | 'page' | 'pageEnd'>): string {
  const parts = [`《${c.title}》`];
  const section = sectionLabel(sectionWithinDocument(c.title, c.sectionPath));
  if (section) parts.push(section);
  const page = pageLabel(c.page, c.pageEnd);
  if (page) parts.push(page);
  return `[${n}] ${parts.join(' · ')}`;
}
