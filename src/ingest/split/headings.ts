import { matchMarker, type MarkerMatch } from './markers.js';

/**
 * A marker paragraph up to this long (without end punctuation) can be a
 * heading line; what follows it decides (see outline.ts).
 */
export const MAX_HEADING_LENGTH = 40;
/** A section label taken from the start of running text is at most this long. */
export const MAX_LABEL_LENGTH = 30;
/** A marker paragraph longer than this (or with several sentences) is a run-in item. */
export const MIN_RUN_IN_LENGTH = 60;
/** Section labels taken from running text are cut to this many characters. */
const LABEL_FALLBACK_LENGTH = 20;

const TRAILING_PUNCT = /[。：:；;，,、\s]+$/;

/** A heading's text as a path label: no trailing punctuation. */
export function headingLabel(text: string): string {
  return text.trim().replace(TRAILING_PUNCT, '');
}

/**
 * "（一）注重实效，抓好教学常规管理。": a marker, a short title, no sentence
 * end inside. Whether it really heads a section depends on what follows.
 */
export function headingCandidate(text: string): MarkerMatch | null {
  const marker = matchMarker(text);
  if (!marker) return null;
  const label = headingLabel(text);
  if (label.length > MAX_HEADING_LENGTH || /[。！？；;!?]/.test(label)) return null;
  return marker;
}

/** A paragraph that starts with a marker and carries its own body text. */
export function isRunIn(text: string): boolean {
  if (text.length > MIN_RUN_IN_LENGTH) return true;
  // Several full sentences; a "；" between clauses of one item does not count.
  return text.replace(/[。！？!?][”’」』）)]*$/, '').search(/[。！？!?]/) >= 0;
}

/** An unmarked sub-heading line is this short at most ("教学质量提高工程"). */
export const MAX_SUBHEADING_LENGTH = 16;

/**
 * A short line without any punctuation or marker, e.g. "教师队伍建设工程"
 * between "三、…" and "（一）…". Whether it heads anything depends on what follows.
 */
export function isSubheadingLine(text: string): boolean {
  const t = text.trim();
  if (t.length === 0 || t.length > MAX_SUBHEADING_LENGTH) return false;
  if (/[\p{P}\p{S}]/u.test(t)) return false;
  // A date line ("2024年2月26日") closes a letter; it heads nothing.
  return !/^[\d〇零一二三四五六七八九十]{2,4}年/.test(t);
}

/**
 * Names the section a run-in item opens: its first clause up to 。/： when
 * short, else up to the first comma, else its first characters with "…".
 * Returns null when even that clause is not short (not clearly a heading).
 */
export function runInLabel(text: string, allowFallback = true): string | null {
  const sentence = /^(.+?)[。：:！？；;!?]/.exec(text)?.[1];
  if (sentence && sentence.length <= MAX_LABEL_LENGTH) return headingLabel(sentence);
  const clause = /^(.+?)[，,]/.exec(text)?.[1];
  if (clause && clause.length <= MAX_LABEL_LENGTH) return headingLabel(clause);
  if (!allowFallback) return null;
  return `${headingLabel(text.slice(0, LABEL_FALLBACK_LENGTH))}…`;
}
