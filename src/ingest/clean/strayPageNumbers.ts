import type { Block } from '../types.js';
import { startsStructuralItem } from '../split/markers.js';
import { isCjk, visualWidth } from './chars.js';

/** A text line broken at a page end is long; short lines ending in a number are real text. */
const MIN_LINE_WIDTH = 40;

/** "…确保资 4" / "…建设工程。6": CJK text, then 1–3 digits closing the line. */
const TRAILING_NUMBER = /(?<=[\p{Script=Han}\u3000-\u303f\uff00-\uffef])\s?(\d{1,3})$/u;

interface Candidate {
  index: number;
  value: number;
}

function nextTextBlock(blocks: readonly Block[], index: number): Block | undefined {
  for (let i = index + 1; i < blocks.length; i++) {
    const b = blocks[i];
    if (b && b.text.trim() !== '') return b;
  }
  return undefined;
}

function candidate(blocks: readonly Block[], index: number): Candidate | null {
  const b = blocks[index];
  if (!b || b.kind !== 'line' || b.page !== undefined || visualWidth(b.text) < MIN_LINE_WIDTH) return null;
  const m = TRAILING_NUMBER.exec(b.text.trimEnd());
  if (!m) return null;
  const next = nextTextBlock(blocks, index);
  const head = [...(next?.text.trimStart() ?? '')][0] ?? '';
  // The page's text continues on the next line with CJK text, not a new item.
  if (!next || next.kind !== 'line' || !isCjk(head) || startsStructuralItem(next.text)) return null;
  return { index, value: Number(m[1]) };
}

/**
 * Page numbers that a text extraction left at the end of a line where the
 * page broke ("…确保资 4" + "源合理利用。"). Only accepted when there are
 * several and they increase through the document, as page numbers do.
 */
export function removeStrayPageNumbers(blocks: readonly Block[]): Block[] {
  const found: Candidate[] = [];
  blocks.forEach((_, i) => {
    const c = candidate(blocks, i);
    if (c) found.push(c);
  });
  const increasing = found.every((c, k) => k === 0 || c.value > (found[k - 1]?.value ?? Infinity));
  if (found.length < 2 || !increasing) return [...blocks];
  const strip = new Set(found.map((c) => c.index));
  return blocks.map((b, i) =>
    strip.has(i) ? { ...b, text: b.text.trimEnd().replace(TRAILING_NUMBER, '').trimEnd() } : b,
  );
}
