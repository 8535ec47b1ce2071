/**
 * Matching a gold answer span against passage text. Spans are quoted from the
 * raw seeds (with scrape spaces, half-width commas), passages from cleaned
 * text, so both sides are compared NFKC-normalised with all whitespace gone.
 */

/** Share of a span that must lie in one passage when a passage boundary cuts it. */
export const PARTIAL_SPAN_SHARE = 0.8;

/** NFKC (full-width → half-width, compatibility forms) and no whitespace at all. */
export function normalizeForMatch(text: string): string {
  return text.normalize('NFKC').replace(/\s+/gu, '');
}

/**
 * Share of `span` (in characters) whose longest contiguous run occurs in
 * `passageText`: a span cut by a passage boundary leaves most of itself in
 * one passage.
 */
export function spanCoverage(passageText: string, span: string): number {
  const hay = normalizeForMatch(passageText);
  const needle = [...normalizeForMatch(span)];
  if (needle.length === 0) return 0;
  for (let len = needle.length; len > 0; len--) {
    for (let start = 0; start + len <= needle.length; start++) {
      if (hay.includes(needle.slice(start, start + len).join(''))) return len / needle.length;
    }
  }
  return 0;
}

/**
 * True when the passage contains the span, or at least PARTIAL_SPAN_SHARE of
 * it as one contiguous run.
 */
export function spanHit(passageText: string, span: string, minShare = PARTIAL_SPAN_SHARE): boolean {
  return spanCoverage(passageText, span) >= minShare;
}
