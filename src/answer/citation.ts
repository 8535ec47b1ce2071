/**
 * Which section a citation names. How it is shown to the user (《文件》 ·
 * 章节 · 第N页) is presentation: src/present/citation.ts.
 */

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
