import chardet from 'chardet';
import iconv from 'iconv-lite';
import { FileRejectedError } from '../../errors.js';

export interface DecodedText {
  /** Decoded text, BOM removed, line ends untouched. */
  text: string;
  /** Encoding that was used, e.g. 'UTF-8', 'UTF-16LE', 'GB18030'. */
  encoding: string;
  /** Invalid byte sequences replaced by U+FFFD (only tolerated in almost-clean UTF-8). */
  replaced: number;
}

const BINARY_MESSAGE = '不是文本文件（看起来是二进制数据）';
const REPLACEMENT = '\uFFFD';

/** Above this share of control characters the "text" is really binary data. */
const MAX_CONTROL_SHARE = 0.01;
/** A few broken sequences in otherwise valid UTF-8 (e.g. a cut-off last character) are tolerated. */
const MAX_INVALID_UTF8_SHARE = 0.01;
/** Legacy-encoding guesses must decode to mostly ordinary CJK/Latin text to be believed. */
const MIN_TEXT_LIKE_SHARE = 0.95;

/**
 * Decodes a plain-text file: BOM (UTF-8/16/GB18030) first, then strict UTF-8, then GB18030
 * (a superset of GBK/GB2312, the usual legacy encoding of Chinese documents), then chardet's guess.
 * Throws FileRejectedError 'empty' or 'binary'. Pure apart from that.
 */
export function decodeText(bytes: Buffer): DecodedText {
  if (bytes.length === 0) {
    throw new FileRejectedError('empty', '文件是空的', 'text file has 0 bytes');
  }
  const decoded = decodeByBom(bytes) ?? decodeWithoutBom(bytes);
  const controls = countControlChars(decoded.text);
  if (controls > decoded.text.length * MAX_CONTROL_SHARE) {
    throw new FileRejectedError(
      'binary',
      BINARY_MESSAGE,
      `${controls} control characters in ${decoded.text.length} chars decoded as ${decoded.encoding}`,
    );
  }
  return decoded;
}

function decodeByBom(bytes: Buffer): DecodedText | undefined {
  if (hasPrefix(bytes, [0xef, 0xbb, 0xbf])) return decodeUtf8(bytes.subarray(3), 'UTF-8 (BOM)');
  if (hasPrefix(bytes, [0xff, 0xfe])) return clean(iconv.decode(bytes.subarray(2), 'utf-16le', { stripBOM: false }), 'UTF-16LE');
  if (hasPrefix(bytes, [0xfe, 0xff])) return clean(iconv.decode(bytes.subarray(2), 'utf-16be', { stripBOM: false }), 'UTF-16BE');
  if (hasPrefix(bytes, [0x84, 0x31, 0x95, 0x33])) return clean(iconv.decode(bytes.subarray(4), 'gb18030', { stripBOM: false }), 'GB18030');
  return undefined;
}

function decodeWithoutBom(bytes: Buffer): DecodedText {
  if (bytes.includes(0)) {
    // NUL never occurs in UTF-8/GBK text; UTF-16 without a BOM is the only textual excuse.
    const utf16 = guessBomlessUtf16(bytes);
    if (utf16) return utf16;
    throw new FileRejectedError('binary', BINARY_MESSAGE, 'NUL bytes in a file that is not UTF-16');
  }

  const utf8 = decodeUtf8(bytes, 'UTF-8');
  const nonAscii = countNonAscii(utf8.text);
  if (utf8.replaced === 0 || utf8.replaced <= nonAscii * MAX_INVALID_UTF8_SHARE) return utf8;

  const gb = iconv.decode(bytes, 'gb18030');
  if (!gb.includes(REPLACEMENT) && textLikeShare(gb) >= MIN_TEXT_LIKE_SHARE) return clean(gb, 'GB18030');

  const hint = chardet.detect(bytes);
  if (hint && isLegacyEncoding(hint) && iconv.encodingExists(hint)) {
    const guessed = iconv.decode(bytes, hint);
    if (!guessed.includes(REPLACEMENT) && textLikeShare(guessed) >= MIN_TEXT_LIKE_SHARE) return clean(guessed, hint);
  }

  throw new FileRejectedError(
    'binary',
    BINARY_MESSAGE,
    `not valid UTF-8 (${utf8.replaced} invalid sequences), not clean GB18030, chardet hint ${hint ?? 'none'}`,
  );
}

/**
 * UTF-16 without BOM: accept the byte order that decodes to clean, ordinary text. (A parity
 * test on NUL bytes does not work for Chinese: U+4E00 "一" is 00 4E, so NULs land on both sides.)
 */
function guessBomlessUtf16(bytes: Buffer): DecodedText | undefined {
  if (bytes.length % 2 !== 0) return undefined;
  for (const [codec, name] of [['utf-16le', 'UTF-16LE'], ['utf-16be', 'UTF-16BE']] as const) {
    const text = iconv.decode(bytes, codec, { stripBOM: false });
    if (countControlChars(text) === 0 && !hasLoneSurrogate(text) && textLikeShare(text) >= MIN_TEXT_LIKE_SHARE) {
      return clean(text, name);
    }
  }
  return undefined;
}

function hasLoneSurrogate(text: string): boolean {
  return /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(text);
}

function decodeUtf8(bytes: Buffer, encoding: string): DecodedText {
  const text = new TextDecoder('utf-8', { fatal: false, ignoreBOM: true }).decode(bytes);
  // U+FFFD written on purpose (EF BF BD) is text, not a decoding failure.
  const literal = countOccurrences(bytes, Buffer.from(REPLACEMENT, 'utf8'));
  return { text, encoding, replaced: countChar(text, REPLACEMENT) - literal };
}

function clean(text: string, encoding: string): DecodedText {
  return { text: text.startsWith('\uFEFF') ? text.slice(1) : text, encoding, replaced: 0 };
}

/** chardet hints worth trusting for Chinese/legacy text (UTF-* cases are handled above). */
function isLegacyEncoding(name: string): boolean {
  return /^(big5|gb18030|gbk|euc-|shift_jis|iso-2022|windows-125|iso-8859)/i.test(name);
}

function countControlChars(text: string): number {
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    // Tab, LF, VT, FF, CR are layout; the rest of C0, DEL and U+FFFD mean garbage.
    if ((c < 0x20 && (c < 0x09 || c > 0x0d)) || c === 0x7f || c === 0xfffd) n++;
  }
  return n;
}

/** Share of non-ASCII characters that belong to scripts and symbols real Chinese documents use. */
function textLikeShare(text: string): number {
  let nonAscii = 0;
  let ordinary = 0;
  for (const ch of text) {
    const c = ch.codePointAt(0) ?? 0;
    if (c < 0x80) continue;
    nonAscii++;
    if (isOrdinaryNonAscii(c)) ordinary++;
  }
  return nonAscii === 0 ? 1 : ordinary / nonAscii;
}

function isOrdinaryNonAscii(c: number): boolean {
  return (
    (c >= 0x00a0 && c <= 0x024f) || // Latin-1, Latin Extended
    (c >= 0x0370 && c <= 0x04ff) || // Greek, Cyrillic (in GBK)
    (c >= 0x2000 && c <= 0x27bf) || // punctuation, letterlike, arrows, maths, box drawing, ①
    (c >= 0x3000 && c <= 0x33ff) || // CJK punctuation, kana, bopomofo, enclosed CJK
    (c >= 0x3400 && c <= 0x4dbf) || // CJK Extension A
    (c >= 0x4e00 && c <= 0x9fff) || // CJK Unified Ideographs
    (c >= 0xf900 && c <= 0xfaff) || // CJK compatibility ideographs
    (c >= 0xfe30 && c <= 0xfe4f) || // CJK compatibility forms
    (c >= 0xff00 && c <= 0xffef) || // full-width forms
    (c >= 0x20000 && c <= 0x3134f) // CJK Extensions B–G
  );
}

function countNonAscii(text: string): number {
  let n = 0;
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) >= 0x80) n++;
  return n;
}

function countChar(text: string, ch: string): number {
  let n = 0;
  for (let i = text.indexOf(ch); i !== -1; i = text.indexOf(ch, i + 1)) n++;
  return n;
}

function countOccurrences(bytes: Buffer, needle: Buffer): number {
  let n = 0;
  for (let i = bytes.indexOf(needle); i !== -1; i = bytes.indexOf(needle, i + needle.length)) n++;
  return n;
}

function hasPrefix(bytes: Buffer, prefix: readonly number[]): boolean {
  return prefix.every((b, i) => bytes[i] === b);
}
