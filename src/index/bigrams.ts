import { normalizeForSearch } from './segment.js';

/**
 * Character bigrams for the second keyword channel and for substring document
 * frequencies. Pure: text in, FTS5 column text and queries out.
 *
 * A passage's search-normalised text is cut into runs of letters and digits
 * (punctuation and spaces end a run). Each run gives its overlapping bigrams
 * ("义务教育" → 义务 务教 教育), a one-character run gives that character.
 * Runs are separated by RUN_BREAK, a private-use character no text or query
 * ever yields (it is neither letter nor digit), so an FTS5 phrase of bigrams
 * matches exactly the passages holding the term inside one run: no phrase can
 * join the end of one run to the start of the next.
 *
 * A second table holds each passage's distinct letters and digits, rowids
 * only (detail=none): a one-character term is one token there.
 */

/** Token between two runs: U+E000 is private use, never in a run, never in a query. */
export const RUN_BREAK = '\uE000';

const RUN = /[\p{L}\p{N}]+/gu;

/** Letter/digit runs of text that is already search-normalised. */
export function letterDigitRuns(normalised: string): string[] {
  return normalised.match(RUN) ?? [];
}

/** Bigrams of one run, by code point; a one-character run is that character. */
export function runBigrams(run: string): string[] {
  const chars = Array.from(run);
  if (chars.length < 2) return chars;
  const out: string[] = [];
  for (let i = 0; i + 1 < chars.length; i++) out.push(chars[i]! + chars[i + 1]!);
  return out;
}

/** The bigram column of a passage: bigrams of each run, runs apart. */
export function bigramColumn(text: string): string {
  const grams: string[] = [];
  for (const run of letterDigitRuns(normalizeForSearch(text))) {
    if (grams.length > 0) grams.push(RUN_BREAK);
    for (const g of runBigrams(run)) grams.push(g);
  }
  return grams.join(' ');
}

/** The character column of a passage: its distinct letters and digits, in order of first use. */
export function charColumn(text: string): string {
  const seen = new Set<string>();
  for (const run of letterDigitRuns(normalizeForSearch(text))) for (const ch of run) seen.add(ch);
  return [...seen].join(' ');
}

const quote = (token: string) => `"${token}"`;

/** FTS5 query of a search text's distinct bigrams, OR-ed; null when it has none. */
export function bigramSearchQuery(query: string): string | null {
  const grams = new Set<string>();
  for (const run of letterDigitRuns(normalizeForSearch(query))) for (const g of runBigrams(run)) grams.add(g);
  if (grams.size === 0) return null;
  return [...grams].map(quote).join(' OR ');
}

/** Which table answers a plan: bigram phrases, or single characters. */
export type PlanTable = 'bigrams' | 'chars';

/**
 * How to count the passages whose normalised text contains a term:
 * - `exact`: the term is one letter/digit run: a phrase of its bigrams, or
 *   for one character that character; the FTS5 count is the answer;
 * - `candidates`: the term spans punctuation or spaces: the passages holding
 *   its longer runs (or, without any, all its characters) are a superset the
 *   caller checks by substring;
 * - `scan`: the term has no letter or digit at all; only a scan can tell.
 */
export type SubstringPlan =
  | { kind: 'exact'; table: PlanTable; match: string }
  | { kind: 'candidates'; table: PlanTable; match: string }
  | { kind: 'scan' }
  | { kind: 'empty' };

const phrase = (run: string) => quote(runBigrams(run).join(' '));

export function substringPlan(normalisedTerm: string): SubstringPlan {
  if (normalisedTerm === '') return { kind: 'empty' };
  const runs = [...new Set(letterDigitRuns(normalisedTerm))];
  if (runs.length === 0) return { kind: 'scan' };
  const single = (run: string) => Array.from(run).length === 1;
  if (runs.length === 1 && runs[0] === normalisedTerm) {
    return single(runs[0]) ? { kind: 'exact', table: 'chars', match: quote(runs[0]) } : { kind: 'exact', table: 'bigrams', match: phrase(runs[0]) };
  }
  const longer = runs.filter((r) => !single(r));
  if (longer.length > 0) return { kind: 'candidates', table: 'bigrams', match: longer.map(phrase).join(' AND ') };
  return { kind: 'candidates', table: 'chars', match: runs.map(quote).join(' AND ') };
}
