/** A half-open character range [start, end) inside some text. */
export interface Span {
  start: number;
  end: number;
}

const FINAL = '。！？；!?;';
const CLOSERS = '”’」』）)】"\'';

/**
 * Sentence spans of a paragraph: each ends after 。！？； (and any closing
 * quotes that follow). Text after the last sentence end is a final span.
 * Spans are trimmed of surrounding spaces and never empty.
 */
export function sentenceSpans(text: string): Span[] {
  const spans: Span[] = [];
  let start = 0;
  let i = 0;
  while (i < text.length) {
    if (FINAL.includes(text[i] ?? '')) {
      let end = i + 1;
      while (end < text.length && (FINAL.includes(text[end] ?? '') || CLOSERS.includes(text[end] ?? ''))) end++;
      spans.push({ start, end });
      start = end;
      i = end;
    } else {
      i++;
    }
  }
  if (start < text.length) spans.push({ start, end: text.length });
  return spans.map((s) => trimSpan(text, s)).filter((s) => s.end > s.start);
}

function trimSpan(text: string, span: Span): Span {
  let { start, end } = span;
  while (start < end && /\s/.test(text[start] ?? '')) start++;
  while (end > start && /\s/.test(text[end - 1] ?? '')) end--;
  return { start, end };
}

/** Clause ends where an over-long sentence may be cut, best first. */
const CLAUSE_BREAKS = ['；', ';', '，', ',', '、', '：', ':'];

/**
 * Cuts a span longer than `max` into pieces of at most `max` characters,
 * preferring the last clause break (；，、：) in each window, and a hard cut
 * only when a window has none.
 */
export function cutLongSpan(text: string, span: Span, max: number): Span[] {
  const pieces: Span[] = [];
  let start = span.start;
  while (span.end - start > max) {
    const window = text.slice(start, start + max);
    let cut = -1;
    for (const mark of CLAUSE_BREAKS) {
      const at = window.lastIndexOf(mark);
      // Ignore breaks in the first third: they would leave a tiny piece.
      if (at >= max / 3) {
        cut = at + 1;
        break;
      }
    }
    const end = start + (cut > 0 ? cut : max);
    pieces.push({ start, end });
    start = end;
  }
  pieces.push({ start, end: span.end });
  return pieces;
}
