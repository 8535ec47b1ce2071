import type { CleanDocument, Passage } from './types.js';
import { buildOutline, type Unit } from './split/outline.js';
import { FRAGMENT, firstContentIndex, packUnits, PASSAGE_MAX } from './split/pack.js';

/**
 * Consecutive units of one top-level section. A preamble too short to stand
 * alone (a title line before "一、…") joins the first section: it is not a
 * section of its own, so the no-merge rule does not protect it.
 */
function stretches(units: readonly Unit[]): Unit[][] {
  const out: Unit[][] = [];
  for (const u of units) {
    const current = out[out.length - 1];
    if (current && current[0]?.stretch === u.stretch) current.push(u);
    else out.push([u]);
  }
  const [preamble, first, ...rest] = out;
  if (preamble && first && preamble[0]?.stretch === 0) {
    const length = (preamble[preamble.length - 1]?.end ?? 0) - (preamble[0]?.start ?? 0);
    if (length < FRAGMENT) return [[...preamble, ...first], ...rest];
  }
  return out;
}

/** Path of the first content unit; a preamble line (no path yet) defers to what follows. */
function passagePath(units: readonly Unit[]): string[] {
  const withPath = units.find((u) => u.path.length > 0);
  return [...(units[0]?.path.length ? units[0].path : (withPath?.path ?? []))];
}

/** A passage from a group of units; leading heading lines are left to the section path. */
function toPassage(group: readonly Unit[], text: string, ordinal: number): Passage | null {
  const k = firstContentIndex(group, 0, group.length - 1);
  const covered = group.slice(k);
  const first = covered[0];
  const last = covered[covered.length - 1];
  if (!first || !last) return null;
  const passage: Passage = {
    ordinal,
    text: text.slice(first.start, last.end),
    sectionPath: passagePath(covered),
    charStart: first.start,
    charEnd: last.end,
  };
  // Loops, not Math.min(...pages): a spread over many units can overflow the stack.
  for (const u of covered) {
    if (u.page !== undefined && (passage.page === undefined || u.page < passage.page)) passage.page = u.page;
    if (u.pageEnd !== undefined && (passage.pageEnd === undefined || u.pageEnd > passage.pageEnd)) passage.pageEnd = u.pageEnd;
  }
  return passage;
}

/**
 * Splits a cleaned document into passages of roughly 150–600 characters that
 * end on a sentence end or a section end, each with its section path, pages
 * and offsets into the cleaned text (blocks joined by '\n').
 *
 * Passage text is always exactly `cleanText.slice(charStart, charEnd)`.
 * Heading lines that open a passage are left out of its text (the section
 * path carries them); a heading inside a passage (where short sections were
 * grouped) stays in the text so the reader sees where the section changes.
 */
export function splitDocument(doc: CleanDocument): Passage[] {
  const { text, units } = buildOutline(doc.blocks, PASSAGE_MAX);
  const passages: Passage[] = [];
  for (const stretch of stretches(units)) {
    for (const [from, to] of packUnits(stretch, text)) {
      const passage = toPassage(stretch.slice(from, to + 1), text, passages.length);
      if (passage) passages.push(passage);
    }
  }
  return passages;
}
