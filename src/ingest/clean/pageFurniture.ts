import type { Block } from '../types.js';

/** How many lines at each end of a page can hold a running header or footer. */
const EDGE_LINES = 2;

const PAGE_NUMBER_PATTERNS: readonly RegExp[] = [
  /^第\s*[\d一二三四五六七八九十百]+\s*页(?:\s*[,，/]?\s*共\s*[\d一二三四五六七八九十百]+\s*页)?$/,
  /^共\s*\d+\s*页\s*[,，]?\s*第\s*\d+\s*页$/,
  /^[-—–－]\s*\d+\s*[-—–－]$/,
  /^\d{1,4}$/,
  /^(?:page|p\.?)\s*\d+(?:\s*(?:of|\/)\s*\d+)?$/i,
  /^\d+\s*\/\s*\d+$/,
  /^[·•]\s*\d+\s*[·•]$/,
];

/** "第 3 页 共 17 页", "- 2 -", "-2-", "2", "Page 2", "2/17", "第 1 页". */
export function isPageNumberLine(text: string): boolean {
  const t = text.trim();
  return t !== '' && PAGE_NUMBER_PATTERNS.some((p) => p.test(t));
}

/** Header/footer identity: page numbers inside them vary, so digits are masked. */
function furnitureKey(text: string): string {
  return text.replace(/\s+/g, '').replace(/\d+/g, '#');
}

/** Indexes of the non-empty `line` blocks of each page, in order. */
function linesByPage(blocks: readonly Block[]): Map<number, number[]> {
  const pages = new Map<number, number[]>();
  blocks.forEach((b, i) => {
    if (b.kind !== 'line' || b.page === undefined || b.text.trim() === '') return;
    const list = pages.get(b.page) ?? [];
    list.push(i);
    pages.set(b.page, list);
  });
  return pages;
}

function edgeIndexes(lines: readonly number[]): number[] {
  if (lines.length <= EDGE_LINES * 2) return [...lines];
  return [...lines.slice(0, EDGE_LINES), ...lines.slice(-EDGE_LINES)];
}

/** Keys that sit at a page edge on at least half of the pages (and on two or more). */
function repeatedEdgeKeys(blocks: readonly Block[], pages: Map<number, number[]>): Set<string> {
  const pagesPerKey = new Map<string, number>();
  for (const lines of pages.values()) {
    const keys = new Set(edgeIndexes(lines).map((i) => furnitureKey(blocks[i]?.text ?? '')));
    for (const key of keys) pagesPerKey.set(key, (pagesPerKey.get(key) ?? 0) + 1);
  }
  const threshold = Math.max(2, Math.ceil(pages.size / 2));
  return new Set([...pagesPerKey].filter(([, n]) => n >= threshold).map(([key]) => key));
}

/**
 * Rule 3: drops running headers/footers (the same line at a page edge on at
 * least half the pages) and page-number lines at the top or bottom of a page.
 * Only blocks that carry a page number (PDF) are considered.
 */
export function removePageFurniture(blocks: readonly Block[]): Block[] {
  const pages = linesByPage(blocks);
  if (pages.size === 0) return [...blocks];
  const repeated = repeatedEdgeKeys(blocks, pages);
  const removed = new Set<number>();

  for (const lines of pages.values()) {
    for (const i of edgeIndexes(lines)) {
      if (repeated.has(furnitureKey(blocks[i]?.text ?? ''))) removed.add(i);
    }
    // A page number is the outermost line once the header/footer is gone.
    const kept = lines.filter((i) => !removed.has(i));
    const first = kept[0];
    const last = kept[kept.length - 1];
    if (first !== undefined && isPageNumberLine(blocks[first]?.text ?? '')) removed.add(first);
    if (last !== undefined && last !== first && isPageNumberLine(blocks[last]?.text ?? '')) removed.add(last);
  }
  return blocks.filter((_, i) => !removed.has(i));
}
