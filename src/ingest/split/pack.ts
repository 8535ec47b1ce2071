import type { Unit } from './outline.js';

/** Passage size targets, in characters. */
export const PASSAGE_MIN = 150;
export const PASSAGE_MAX = 600;
/**
 * A passage may run up to HARD_MAX (at a steep cost) only to avoid ending
 * mid-sentence, e.g. in a list of names with no sentence end in sight.
 */
export const PASSAGE_HARD_MAX = 650;
/** Below this a passage is a fragment; above SOFT_MAX it is getting long to quote. */
export const FRAGMENT = 100;
const SOFT_MAX = 450;

/** Costs, in "characters of badness", for the segmentation below. */
const COST = {
  passage: 20,
  fragment: 400,
  shortPerChar: 2,
  fragmentPerChar: 3,
  longPerChar: 0.3,
  overMaxPerChar: 1,
  headingOnly: 500,
  breakAfterParagraph: 5,
  breakAfterOpenParagraph: 80,
  breakAfterColon: 80,
  breakInParagraph: 15,
  breakInSentence: 80,
  breakBetweenRows: 5,
  enterTable: 30,
} as const;

/** Cost of a passage that runs into a section of this rank (outer sections cost more). */
function crossingCost(rank: number): number {
  if (rank <= 3) return 100;
  if (rank <= 4) return 80;
  if (rank <= 5) return 40;
  if (rank <= 6) return 20;
  return 10;
}

function sizeCost(length: number): number {
  if (length < FRAGMENT) return COST.fragment + (PASSAGE_MIN - length) * COST.fragmentPerChar;
  if (length < PASSAGE_MIN) return (PASSAGE_MIN - length) * COST.shortPerChar;
  if (length > PASSAGE_MAX) return (PASSAGE_MAX - SOFT_MAX) * COST.longPerChar + (length - PASSAGE_MAX) * COST.overMaxPerChar;
  if (length > SOFT_MAX) return (length - SOFT_MAX) * COST.longPerChar;
  return 0;
}

/** Cost of ending a passage after `a` and starting the next with `b`. */
function breakCost(a: Unit, b: Unit, text: string): number {
  if (b.opens !== null || b.role === 'heading') return 0;
  if (a.table !== b.table) return 0;
  if (a.role === 'row' && b.role === 'row') return COST.breakBetweenRows;
  if (a.blockIndex !== b.blockIndex) {
    if (a.endsSentence) return COST.breakAfterParagraph;
    return /[：:]$/.test(text.slice(a.start, a.end)) ? COST.breakAfterColon : COST.breakAfterOpenParagraph;
  }
  return a.clauseCut || !a.endsSentence ? COST.breakInSentence : COST.breakInParagraph;
}

/** Index of the first unit of a group that is not a leading heading line. */
export function firstContentIndex(units: readonly Unit[], from: number, to: number): number {
  let k = from;
  while (k <= to && units[k]?.role === 'heading') k++;
  return k > to ? from : k;
}

/** Cost of units[from..to] as one passage; Infinity if not allowed. */
function groupCost(units: readonly Unit[], from: number, to: number, isLast: boolean): number {
  const first = units[from];
  const last = units[to];
  if (!first || !last) return Infinity;
  const k = firstContentIndex(units, from, to);
  const allHeadings = units[k]?.role === 'heading';
  if (allHeadings) return isLast ? COST.headingOnly : Infinity;
  // A heading must not be cut off from the content it introduces.
  if (last.role === 'heading' && !isLast) return Infinity;
  const length = last.end - (units[k]?.start ?? first.start);
  if (length > PASSAGE_HARD_MAX && to > k) return Infinity;
  let cost = COST.passage + sizeCost(length);
  for (let i = k + 1; i <= to; i++) {
    const u = units[i];
    const prev = units[i - 1];
    if (!u || !prev) continue;
    if (u.opens !== null) cost += crossingCost(u.opens);
    if (u.table !== prev.table) cost += COST.enterTable;
  }
  return cost;
}

/**
 * Segments one top-level section's units into passages with the least total
 * cost: passages of 150–600 characters that end at sentence ends and, where
 * possible, at section boundaries. Dynamic programming over cut points; a
 * passage never exceeds PASSAGE_HARD_MAX unless it is a single unit (a long row).
 * Returns [from, to] unit index pairs (inclusive).
 */
export function packUnits(units: readonly Unit[], text: string): Array<[number, number]> {
  const n = units.length;
  const best = new Array<number>(n + 1).fill(Infinity);
  const cut = new Array<number>(n + 1).fill(0);
  best[0] = 0;
  for (let end = 1; end <= n; end++) {
    for (let start = end - 1; start >= 0; start--) {
      const k = firstContentIndex(units, start, end - 1);
      const span = (units[end - 1]?.end ?? 0) - (units[k]?.start ?? 0);
      const cost = groupCost(units, start, end - 1, end === n);
      const a = units[start - 1];
      const b = units[start];
      const before = a && b ? breakCost(a, b, text) : 0;
      const total = (best[start] ?? Infinity) + before + cost;
      if (total < (best[end] ?? Infinity)) {
        best[end] = total;
        cut[end] = start;
      }
      // Growing the group leftwards only makes it longer (leading headings aside).
      if (span > PASSAGE_HARD_MAX && (k < end - 1 || units[start - 1]?.role !== 'heading')) break;
    }
  }
  // Unreachable in practice; one passage per unit keeps every unit if it happens.
  if (!Number.isFinite(best[n] ?? Infinity)) return units.map((_, i): [number, number] => [i, i]);
  const groups: Array<[number, number]> = [];
  for (let end = n; end > 0; end = cut[end] ?? 0) groups.unshift([cut[end] ?? 0, end - 1]);
  return groups;
}
