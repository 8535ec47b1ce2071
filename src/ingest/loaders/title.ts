import type { Block } from '../types.js';

/**
 * Title from markup: the level-1 heading when there is exactly one. Several level-1 headings
 * are the document's top sections (一、… / 第一篇…), not its name, so the caller's file-name
 * fallback is better then.
 */
export function titleFromHeadings(blocks: readonly Block[]): string | undefined {
  const top = blocks.filter((b) => b.kind === 'heading' && b.level === 1 && b.text.trim() !== '');
  return top.length === 1 ? top[0]?.text.trim() : undefined;
}
