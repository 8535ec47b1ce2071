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
 * Longest prefix or suffix of `span` (in characters) that occurs in
 * `passageText`: a span cut by a passage boundary leaves its head at the end
 * of one passage and its tail at the start of the next.
 */
export function spanCoverage(passageText: string, span: string): number {
  const hay = normalizeForMatch(passageText);
  const needle = [...normalizeForMatch(span)];
  if (needle.length === 0) return 0;
  if (hay.includes(needle.join(''))) return 1;
  let best = 0;
  for (let len = needle.length - 1; len > best; len--) {
    const head = needle.slice(0, len).join('');
    const tail = needle.slice(needle.length - len).join('');
    if (hay.includes(head) || hay.includes(tail)) best = len;
  }
  return best / needle.length;
}

/**
 * True when the passage contains the span, or at least PARTIAL_SPAN_SHARE of
 * it as one contiguous run (its head or its tail).
 */
export function spanHit(passageText: string, span: string, minShare = PARTIAL_SPAN_SHARE): boolean {
  return spanCoverage(passageText, span) >= minShare;
}
