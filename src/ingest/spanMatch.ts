/**
 * Matching a gold answer span against passage text. Spans are quoted from the
 * raw seeds (with scrape spaces, half-width commas, page numbers inside a
 * sentence), passages from cleaned text, so both sides are compared
 * NFKC-normalised with all whitespace gone, and a few characters of the span
 * the cleaner removed (统一教育14、活动 → 统一教育活动) may be skipped.
 */

/** Share of a span that must lie in one passage when a passage boundary cuts it. */
export const PARTIAL_SPAN_SHARE = 0.8;
/** At most this many span characters are skipped between two matched pieces: a page number and its mark (14、). */
const MAX_SKIPPED = 4;
/** A piece after a skip is this long at least, so single characters never match by chance. */
const MIN_PIECE = 4;

/** NFKC (full-width → half-width, compatibility forms) and no whitespace at all. */
export function normalizeForMatch(text: string): string {
  return text.normalize('NFKC').replace(/\s+/gu, '');
}

/** Length of the common run of needle[from…] and hay[at…] (forward) or ending just before them (backward). */
function runLength(hay: string[], at: number, needle: string[], from: number, dir: 1 | -1): number {
  let n = 0;
  if (dir === 1) while (at + n < hay.length && from + n < needle.length && hay[at + n] === needle[from + n]) n++;
  else while (at - n - 1 >= 0 && from - n - 1 >= 0 && hay[at - n - 1] === needle[from - n - 1]) n++;
  return n;
}

/**
 * Characters matched when the run at hay[at], needle[from] is extended in
 * `dir` past skipped span characters (never past passage characters: the
 * cleaner only removes).
 */
function extend(hay: string[], at: number, needle: string[], from: number, dir: 1 | -1): number {
  let matched = 0;
  for (;;) {
    let best = 0;
    let bestSkip = 0;
    for (let skip = 1; skip <= MAX_SKIPPED; skip++) {
      const n = runLength(hay, at, needle, from + dir * skip, dir);
      if (n > best) { best = n; bestSkip = skip; }
    }
    if (best < MIN_PIECE) return matched;
    matched += best;
    at += dir * best;
    from += dir * (bestSkip + best);
  }
}

/**
 * Share of `span` (in characters) that lies in `passageText` as its longest
 * contiguous run, extended by pieces that follow it after a few skipped span
 * characters: a span cut by a passage boundary leaves most of itself in one
 * passage, and a span with a page number inside still matches the cleaned text.
 */
export function spanCoverage(passageText: string, span: string): number {
  const hayText = normalizeForMatch(passageText);
  const hay = [...hayText];
  const needle = [...normalizeForMatch(span)];
  if (needle.length === 0) return 0;
  for (let len = needle.length; len > 0; len--) {
    let best = 0;
    for (let start = 0; start + len <= needle.length; start++) {
      const piece = needle.slice(start, start + len).join('');
      for (let i = hayText.indexOf(piece); i >= 0; i = hayText.indexOf(piece, i + 1)) {
        const at = [...hayText.slice(0, i)].length;
        const total = len + extend(hay, at + len, needle, start + len, 1) + extend(hay, at, needle, start, -1);
        best = Math.max(best, total);
      }
    }
    if (best > 0) return best / needle.length;
  }
  return 0;
}

/**
 * True when the passage contains the span, or at least PARTIAL_SPAN_SHARE of
 * it in order (see spanCoverage).
 */
export function spanHit(passageText: string, span: string, minShare = PARTIAL_SPAN_SHARE): boolean {
  return spanCoverage(passageText, span) >= minShare;
}
