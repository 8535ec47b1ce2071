/**
 * Character classes for Chinese text. Kept in one place so that cleaning and
 * splitting agree on what counts as "CJK", "sentence end" and "line width".
 */

const HAN = /\p{Script=Han}/u;

/** Han ideograph, CJK symbol/punctuation (、。《》「」…) or a full-width form (，：；（）１２). */
export function isCjk(ch: string): boolean {
  if (ch === '') return false;
  const code = ch.codePointAt(0) ?? 0;
  if (code >= 0x3000 && code <= 0x303f) return true;
  if (code >= 0xff00 && code <= 0xffef) return true;
  return HAN.test(ch);
}

export function isLatinLetter(ch: string): boolean {
  return /^[A-Za-z]$/.test(ch);
}

export function isAsciiDigit(ch: string): boolean {
  return /^[0-9]$/.test(ch);
}

/**
 * Approximate printed width in em: CJK and full-width glyphs are 1, ASCII 0.5,
 * spaces 0 (PDF justification adds them freely). Used to tell a wrapped line
 * (close to the column width) from the short last line of a paragraph.
 */
export function visualWidth(text: string): number {
  let width = 0;
  for (const ch of text) {
    if (/\s/u.test(ch)) continue;
    width += (ch.codePointAt(0) ?? 0) < 0x80 ? 0.5 : 1;
  }
  return width;
}

/** Punctuation after which a sentence (or clause introducing a list) is complete. */
const SENTENCE_FINAL = new Set(['。', '！', '？', '；', '：', '…', '!', '?', ';', ':']);
/** Closing quotes/brackets that may follow the final punctuation: `…作用。”`. */
const CLOSERS = new Set(['”', '’', '」', '』', '）', ')', '】', '"', "'"]);

/** True when the text ends a sentence, looking through trailing closing quotes. */
export function endsSentence(text: string): boolean {
  const chars = [...text.trimEnd()];
  let i = chars.length - 1;
  while (i >= 0 && CLOSERS.has(chars[i] ?? '')) i--;
  // A bare closer (`“班班通”`) does not end a sentence; a closer after 。 does.
  return i >= 0 && SENTENCE_FINAL.has(chars[i] ?? '');
}

/** Like endsSentence, but a clause introducing a list (…：) does not count: a passage should not end there. */
export function endsFullSentence(text: string): boolean {
  if (!endsSentence(text)) return false;
  const chars = [...text.trimEnd()];
  let i = chars.length - 1;
  while (i >= 0 && CLOSERS.has(chars[i] ?? '')) i--;
  return chars[i] !== '：' && chars[i] !== ':';
}

/** Last and first visible characters, for deciding how two pieces join. */
export function lastChar(text: string): string {
  const chars = [...text];
  return chars[chars.length - 1] ?? '';
}

export function firstChar(text: string): string {
  return [...text][0] ?? '';
}

/** Joins two pieces of one paragraph: no separator, except between two Latin words. */
export function joinPieces(left: string, right: string): string {
  if (left === '') return right;
  if (right === '') return left;
  const sep = isLatinLetter(lastChar(left)) && isLatinLetter(firstChar(right)) ? ' ' : '';
  return left + sep + right;
}

/** The given percentile (0..1) of a list of numbers; 0 for an empty list. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1));
  return sorted[index] ?? 0;
}
