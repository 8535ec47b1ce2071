import type { Citation } from './types.js';

/** Section paths of scraped documents can be long; a citation keeps the last levels that fit. */
const MAX_SECTION = 40;

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
  const section = sectionLabel(c.sectionPath);
  if (section) parts.push(section);
  const page = pageLabel(c.page, c.pageEnd);
  if (page) parts.push(page);
  return `[${n}] ${parts.join(' · ')}`;
}
