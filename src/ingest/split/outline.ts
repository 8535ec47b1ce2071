import type { Block } from '../types.js';
import { endsFullSentence } from '../clean/chars.js';
import { runInLabel } from './headings.js';
import { matchMarker } from './markers.js';
import { classifyAll, type BlockRole } from './roles.js';
import { SectionStack } from './sectionStack.js';
import { cutLongSpan, sentenceSpans } from './sentences.js';

/**
 * - `heading`: a heading line (explicit, or a short marker paragraph); it is
 *   carried by the section path and left out of a passage it would start.
 * - `body`: a sentence (or piece of an over-long one) of a paragraph.
 * - `row`: one whole table row.
 */
export type UnitRole = 'heading' | 'body' | 'row';

/** The smallest piece the packer moves around, with everything a passage needs. */
export interface Unit {
  role: UnitRole;
  /** Offsets into the cleaned text (blocks joined by '\n'). */
  start: number;
  end: number;
  blockIndex: number;
  /** Section path in effect for this unit (including the section it opens). */
  path: string[];
  /** Rank of the section this unit opens (see markers.ts), or null. */
  opens: number | null;
  /** Top-level section; passages never span two. */
  stretch: number;
  /** Consecutive table rows share an id; null outside tables. */
  table: number | null;
  /** Ends with 。！？；… (not ：), so a passage may end here. */
  endsSentence: boolean;
  /** Piece of a sentence cut at a comma because it was too long. */
  clauseCut: boolean;
  page?: number;
  pageEnd?: number;
}

export interface Outline {
  text: string;
  units: Unit[];
}

/** No top level: no section is a hard passage boundary. */
const NO_TOP = Number.NEGATIVE_INFINITY;
/** Patterns from 一、 upwards can be top-level sections; 1、 items are too small. */
const MAX_TOP_PATTERN_RANK = 4;

/** An inline marker right after a sentence end ("…。二、组织领导…") that reads as a heading. */
function inlineOpener(sentence: string): { rank: number; label: string } | null {
  const marker = matchMarker(sentence);
  if (!marker) return null;
  const label = runInLabel(sentence, false);
  return label ? { rank: marker.rank, label } : null;
}

/**
 * Rank at or above which a section is top-level (hard passage boundary).
 * Minima are taken in loops: `Math.min(...ranks)` overflows the stack on a
 * large document (one argument per heading).
 */
function topRank(roles: readonly BlockRole[], inlineRanks: readonly number[]): number {
  let explicit = Number.POSITIVE_INFINITY;
  for (const r of roles) if (r.kind === 'heading' && r.rank < 0 && r.rank < explicit) explicit = r.rank;
  if (explicit !== Number.POSITIVE_INFINITY) return explicit;
  // Sub-heading lines (half ranks) are guesses; only real markers define the top level.
  let top = Number.POSITIVE_INFINITY;
  const consider = (rank: number): void => {
    if (Number.isInteger(rank) && rank < top) top = rank;
  };
  for (const r of roles) if (r.kind === 'heading' || r.kind === 'run-in') consider(r.rank);
  for (const rank of inlineRanks) consider(rank);
  if (top === Number.POSITIVE_INFINITY) return NO_TOP;
  return top <= MAX_TOP_PATTERN_RANK ? top : NO_TOP;
}

function blockStarts(blocks: readonly Block[]): number[] {
  const starts: number[] = [];
  let offset = 0;
  for (const b of blocks) {
    starts.push(offset);
    offset += b.text.length + 1;
  }
  return starts;
}

/**
 * Walks the cleaned blocks once, tracking the section path from explicit
 * headings and from structural markers (第X篇 > … > ①), and cuts paragraphs
 * into sentence units.
 */
export function buildOutline(blocks: readonly Block[], maxUnit: number): Outline {
  const text = blocks.map((b) => b.text).join('\n');
  const starts = blockStarts(blocks);
  const roles = classifyAll(blocks);
  // Every paragraph gets sentences: a guessed sub-heading may still turn out to be body text.
  const sentencesPerBlock = blocks.map((b) => (b.kind === 'heading' || b.kind === 'table-row' ? [] : sentenceSpans(b.text)));
  const inlineRanks = sentencesPerBlock.flatMap((spans, i) =>
    (roles[i]?.kind === 'heading' ? [] : spans.slice(1)).flatMap((s) => {
      const opener = inlineOpener(blocks[i]?.text.slice(s.start, s.end) ?? '');
      return opener ? [opener.rank] : [];
    }),
  );
  const top = topRank(roles, inlineRanks);

  const stack = new SectionStack();
  const units: Unit[] = [];
  let stretch = 0;
  let table = 0;
  const open = (rank: number, label: string, markerRank: number | null = rank): void => {
    if (rank <= top) stretch++;
    stack.open(rank, label, markerRank);
  };

  blocks.forEach((block, i) => {
    let role = roles[i] ?? { kind: 'body' };
    // A sub-heading line must sit between two adjacent marker levels (三、 › 教学质量提高工程 › （一）).
    if (role.kind === 'heading' && !Number.isInteger(role.rank) && stack.parentMarkerRank(role.rank) !== Math.floor(role.rank)) {
      role = { kind: 'body' };
    }
    const base = starts[i] ?? 0;
    const pages: Pick<Unit, 'page' | 'pageEnd'> = {};
    if (block.page !== undefined) pages.page = block.page;
    const end = block.pageEnd ?? block.page;
    if (end !== undefined) pages.pageEnd = end;
    const unit = (u: Omit<Unit, 'blockIndex' | 'stretch' | 'path' | 'page' | 'pageEnd'>): void => {
      units.push({ ...u, blockIndex: i, stretch, path: stack.path(), ...pages });
    };

    const whole = { start: base, end: base + block.text.length, clauseCut: false };
    if (role.kind === 'heading') {
      open(role.rank, role.label, role.rank < 0 ? (matchMarker(block.text)?.rank ?? null) : role.rank);
      unit({ ...whole, role: 'heading', opens: role.rank, table: null, endsSentence: endsFullSentence(block.text) });
      return;
    }
    if (role.kind === 'row') {
      if (blocks[i - 1]?.kind !== 'table-row') table++;
      unit({ ...whole, role: 'row', opens: null, table, endsSentence: true });
      return;
    }
    if (role.kind === 'item') stack.close(role.rank);
    (sentencesPerBlock[i] ?? []).forEach((sentence, k) => {
      let opens: number | null = null;
      if (k === 0 && role.kind === 'run-in') {
        open(role.rank, role.label);
        opens = role.rank;
      } else if (k > 0) {
        const opener = inlineOpener(block.text.slice(sentence.start, sentence.end));
        if (opener) {
          open(opener.rank, opener.label);
          opens = opener.rank;
        }
      }
      const pieces = cutLongSpan(block.text, sentence, maxUnit);
      pieces.forEach((piece, p) => {
        const last = p === pieces.length - 1;
        const pieceText = block.text.slice(piece.start, piece.end);
        unit({
          role: 'body',
          start: base + piece.start,
          end: base + piece.end,
          opens: p === 0 ? opens : null,
          table: null,
          endsSentence: endsFullSentence(pieceText),
          clauseCut: !last,
        });
      });
    });
  });
  return { text, units };
}
