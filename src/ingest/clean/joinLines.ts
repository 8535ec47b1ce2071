import type { Block, DocumentFormat } from '../types.js';
import { startsStructuralItem } from '../split/markers.js';
import { endsSentence, joinPieces, lastChar, percentile, visualWidth } from './chars.js';

/**
 * How a document's lines relate to its paragraphs:
 * - `wrapped`: lines were wrapped at a column width (PDF, hard-wrapped text);
 *   a line close to full width that stops mid-sentence continues below.
 * - `markdown`: consecutive non-blank lines form one paragraph.
 * - `loose`: each line is a paragraph (scraped text), unless a long line
 *   stops in the middle of a word (a stray break).
 */
export type LineMode = 'wrapped' | 'markdown' | 'loose';

/** A wrapped line reaches at least this share of the typical full line width. */
export const FULL_LINE_SHARE = 0.8;
/** In loose text, only lines at least this wide can be broken mid-sentence. */
export const LOOSE_MIN_WIDTH = 40;
/** Hard-wrapped plain text: enough lines, a text-column width, most lines near it. */
const WRAP_MIN_LINES = 8;
const WRAP_MAX_WIDTH = 120;
const WRAP_MIN_SHARE = 0.5;

function lineWidths(blocks: readonly Block[]): number[] {
  return blocks.filter((b) => b.kind === 'line' && b.text !== '').map((b) => visualWidth(b.text));
}

/** Typical full line width: the 90th percentile, robust to short last lines and headings. */
export function fullLineWidth(blocks: readonly Block[]): number {
  return percentile(lineWidths(blocks), 0.9);
}

/** Plain text whose lines mostly share one width, as produced by hard wrapping. */
export function isHardWrapped(blocks: readonly Block[]): boolean {
  const widths = lineWidths(blocks);
  const full = percentile(widths, 0.9);
  if (widths.length < WRAP_MIN_LINES || full > WRAP_MAX_WIDTH) return false;
  const nearFull = widths.filter((w) => w >= FULL_LINE_SHARE * full).length;
  return nearFull >= WRAP_MIN_SHARE * widths.length;
}

export function lineModeFor(format: DocumentFormat, blocks: readonly Block[]): LineMode {
  if (format === 'pdf' || blocks.some((b) => b.kind === 'line' && b.page !== undefined)) return 'wrapped';
  if (format === 'md') return 'markdown';
  return isHardWrapped(blocks) ? 'wrapped' : 'loose';
}

/** In loose text, a stray break falls inside a word or after a comma, not after a bracket. */
function stopsMidWord(text: string): boolean {
  return /[\p{Script=Han}A-Za-z0-9、，,]/u.test(lastChar(text));
}

/** Whether line `b` continues the paragraph that line `a` belongs to. */
export function continuesParagraph(a: string, b: string, mode: LineMode, fullWidth: number): boolean {
  if (a === '' || b === '') return false;
  if (startsStructuralItem(b) || endsSentence(a)) return false;
  switch (mode) {
    case 'wrapped':
      return visualWidth(a) >= FULL_LINE_SHARE * fullWidth;
    case 'markdown':
      return !/^[-*+]\s/.test(b);
    case 'loose':
      return visualWidth(a) >= LOOSE_MIN_WIDTH && stopsMidWord(a);
  }
}

function toParagraph(lines: readonly Block[]): Block {
  const first = lines[0];
  const last = lines[lines.length - 1];
  const text = lines.reduce((acc, l) => joinPieces(acc, l.text), '');
  const paragraph: Block = { kind: 'paragraph', text };
  if (first?.page !== undefined) paragraph.page = first.page;
  if (last?.page !== undefined && last.page !== first?.page) paragraph.pageEnd = last.page;
  return paragraph;
}

/**
 * Rule 5: turns runs of `line` blocks into paragraphs, joining lines broken
 * mid-sentence (no separator between CJK characters). Blank lines end a
 * paragraph and disappear; other block kinds pass through.
 */
export function joinLines(blocks: readonly Block[], mode: LineMode): Block[] {
  const full = fullLineWidth(blocks);
  const out: Block[] = [];
  let current: Block[] = [];
  const flush = (): void => {
    if (current.length > 0) out.push(toParagraph(current));
    current = [];
  };
  for (const block of blocks) {
    if (block.kind !== 'line') {
      flush();
      out.push(block);
      continue;
    }
    const prev = current[current.length - 1];
    if (prev && !continuesParagraph(prev.text, block.text, mode, full)) flush();
    if (block.text !== '') current.push(block);
  }
  flush();
  return out;
}
