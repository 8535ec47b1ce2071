import { chineseNumeralValue } from './numerals.js';

/**
 * The figures a Chinese text states, as comparable values: what the grounding
 * check (verify.ts) compares between an LLM answer and its materials. Pure.
 *
 * Both sides go through the same extraction, so whatever is not taken for a
 * number is ignored alike in the answer and in the materials. Signs are not
 * read: policy texts state no negative figures, and - — ~ stand in ranges. Where a reading
 * is unsure it is taken as a number: a wrong rejection only falls back to the
 * extractive answer, a wrong acceptance shows a user an invented figure.
 */

export type NumberKind = 'plain' | 'percent' | 'fraction';

export interface NumberToken {
  /** As it stands in the NFKC-normalised text: 96, 4.79亿, 百分之八十五, 三分之一. */
  text: string;
  kind: NumberKind;
  /** Canonical decimal (4.79亿 and 47900万 → 479000000, 0.50 → 0.5); a fraction is numerator/denominator. */
  value: string;
}

/** One key per value: two tokens state the same figure when their keys are equal. */
export const numberKey = (t: NumberToken): string => `${t.kind}:${t.value}`;

const CN = '零〇一二两三四五六七八九十百千万亿';
const CN_DIGIT = '零〇一二三四五六七八九';
const DIGIT_VALUE: Record<string, string> = { 零: '0', 〇: '0', 一: '1', 二: '2', 两: '2', 三: '3', 四: '4', 五: '5', 六: '6', 七: '7', 八: '8', 九: '9' };
const MULTIPLIER: Record<string, number> = { 千: 3, 万: 4, 百万: 6, 千万: 7, 亿: 8, 万亿: 12 };

/**
 * Words whose numeral characters state no figure (十分重要, 百分比, 百姓: the
 * lexicon's numeral-idioms.yaml), unless a numeral stands before them (五十分,
 * 十万一千) or 之 after them (十分之一). Anything else made of numerals is a number.
 */
export class NumberWords {
  readonly idioms: RegExp;

  constructor(words: readonly string[]) {
    const escaped = [...words].sort((a, b) => b.length - a.length).map((w) => w.replace(/[.*+?^${}()|[\]\\]/gu, '\\$&'));
    this.idioms = escaped.length > 0 ? new RegExp(`(?<![${CN}\\d])(?:${escaped.join('|')})(?!之)`, 'gu') : /(?!)/gu;
  }
}

/** 一是……，二是……: enumeration words at a clause start, not figures. */
const ENUMERATION = /(^|[,:;、。!?\s(])([一二三四五六七八九十]{1,2})(?=是)/gu;

/** Unit symbols whose NFKC form would add a digit (㎡ → m2). */
const UNIT_SYMBOLS: readonly [RegExp, string][] = [
  [/㎡|m²|m2(?![0-9])/gu, '平方米'],
  [/㎥|m³|m3(?![0-9])/gu, '立方米'],
];

/** NFKC (full-width digits, ％, ，) with unit symbols spelled out and non-number words blanked. */
export function numberText(text: string, words: NumberWords): string {
  let t = text;
  for (const [re, word] of UNIT_SYMBOLS) t = t.replace(re, word);
  return t
    .normalize('NFKC')
    .replace(words.idioms, (w) => '□'.repeat(w.length))
    .replace(ENUMERATION, (_m, before: string, n: string) => before + '□'.repeat(n.length));
}

/** Shifts the decimal point exp places right and drops insignificant zeros: ("4", "79", 8) → 479000000. */
function canonical(int: string, frac: string, exp = 0): string {
  let digits = int + frac;
  const point = int.length + exp;
  if (digits.length < point) digits = digits.padEnd(point, '0');
  const whole = digits.slice(0, point).replace(/^0+(?=\d)/u, '');
  const fraction = digits.slice(point).replace(/0+$/u, '');
  return fraction ? `${whole}.${fraction}` : whole;
}

/** Value of a well-formed Chinese numeral, 亿 included (三亿五千万); null if none. */
function chineseValue(s: string): number | null {
  const at = s.indexOf('亿');
  if (at < 0) return chineseNumeralValue(s);
  const high = s.slice(0, at);
  const low = s.slice(at + 1);
  if (!high || low.includes('亿')) return null;
  const h = chineseNumeralValue(high);
  const l = low ? chineseNumeralValue(low) : 0;
  return h === null || l === null ? null : h * 1e8 + l;
}

/**
 * The figures of one run of numeral characters. 二〇一七 (digit by digit, as
 * years are written) → 2017; two digits side by side start a new figure
 * (十四五 → 14 and 5, 三四年级 → 3 and 4), since no numeral has them.
 */
function chineseRun(run: string): { text: string; value: string }[] {
  if (!/[十百千万亿]/u.test(run) && run.length >= 2 && (run.length >= 3 || /[零〇]/u.test(run))) {
    return [{ text: run, value: canonical([...run].map((c) => DIGIT_VALUE[c]!).join(''), '') }];
  }
  const segments: string[] = [];
  let current = '';
  for (const ch of run) {
    const last = current.at(-1);
    if (last !== undefined && /[一二两三四五六七八九]/u.test(last) && ch in DIGIT_VALUE) {
      segments.push(current);
      current = '';
    }
    current += ch;
  }
  if (current) segments.push(current);
  const out: { text: string; value: string }[] = [];
  for (const seg of segments) {
    const v = chineseValue(seg);
    if (v !== null) out.push({ text: seg, value: String(v) });
  }
  return out;
}

/**
 * A lone 一 is an article or quantifier (一所学校, 每一项, 统一, 一票否决), not a
 * figure; except as an ordinal of an article or item (第一条, （一）), which
 * names a place in a document that must exist.
 */
function loneOneCounts(text: string, start: number, end: number): boolean {
  const before = text[start - 1];
  const after = text[end];
  return (before === '(' && after === ')') || (before === '第' && after !== undefined && /[条款项章节篇]/u.test(after));
}

const FRACTION = String.raw`(\d+|[${CN}]+)分之(\d+(?:\.\d+)?|[${CN}]+)`;
const ARABIC = String.raw`(百分之)?(\d{1,3}(?:,\d{3})+(?!\d)|\d+)(?:\.(\d+))?(?:\s*(万亿|百万|千万|亿|万|千))?(\s*%)?`;
// A numeral run right after Arabic digits is their unit (5百), not a figure of its own.
const CHINESE = String.raw`(?<![\d.])(百分之)?([${CN}]+)(?:点([${CN_DIGIT}]+))?`;
const TOKEN = new RegExp(`(?<![\\d.])(?!百分之)${FRACTION}|${ARABIC}|${CHINESE}`, 'gu');

function fractionPart(s: string): string | null {
  if (/^\d/u.test(s)) {
    const [int, frac = ''] = s.split('.');
    return canonical(int!, frac);
  }
  const v = chineseValue(s);
  return v === null ? null : String(v);
}

/** The figures of a text (already cut to what should be checked), left to right. */
export function numberTokens(text: string, words: NumberWords): NumberToken[] {
  const t = numberText(text, words);
  const out: (NumberToken & { start: number; end: number })[] = [];
  for (const m of t.matchAll(TOKEN)) {
    const start = m.index;
    const end = start + m[0].length;
    const push = (kind: NumberKind, value: string, text = m[0].trim()) => out.push({ text, kind, value, start, end });
    if (m[1] !== undefined) {
      const den = fractionPart(m[1]);
      const num = fractionPart(m[2]!);
      if (den !== null && num !== null) push('fraction', `${num}/${den}`);
    } else if (m[4] !== undefined) {
      const int = m[4].replace(/,/gu, '');
      const value = canonical(int, m[5] ?? '', m[6] ? MULTIPLIER[m[6]]! : 0);
      push(m[3] || m[7] ? 'percent' : 'plain', value);
    } else if (m[9] !== undefined) {
      const run = m[9];
      const percent = m[8] !== undefined;
      if (m[10] !== undefined) {
        const whole = chineseValue(run);
        if (whole !== null) push(percent ? 'percent' : 'plain', canonical(String(whole), [...m[10]].map((c) => DIGIT_VALUE[c]!).join('')));
      } else if (/^一+$/u.test(run) && !percent && !loneOneCounts(t, start, end)) {
        continue;
      } else {
        const segments = chineseRun(run);
        for (const seg of segments) push(percent ? 'percent' : 'plain', seg.value, segments.length > 1 ? seg.text : m[0]);
      }
    }
  }
  // 85—90% and 85%—90% state the same two percentages.
  for (let i = 0; i + 1 < out.length; i++) {
    const a = out[i]!;
    const b = out[i + 1]!;
    if (a.kind === 'plain' && b.kind === 'percent' && /^\s*[-~—–〜至到]+\s*$/u.test(t.slice(a.end, b.start))) a.kind = 'percent';
  }
  return out.map(({ text: s, kind, value }) => ({ text: s, kind, value }));
}

/** List markers a line may start with (- , 1. , （一）, 一、, 第一，, ①): layout, not figures. */
const LIST_PREFIX =
  /^\s*(?:[-*•·●▪◦+]\s+|#{1,6}\s+|>\s*|[0-9０-９]{1,2}[.、．)）](?![0-9０-９])\s*|[（(](?:[0-9０-９]{1,2}|[一二三四五六七八九十]{1,3})[)）]\s*|[一二三四五六七八九十]{1,3}[、.．]\s*|第[一二三四五六七八九十]{1,3}[、，,：:]\s*|[①-⑳]\s*)/u;

/** A line without its list markers. */
export function stripListPrefix(line: string): string {
  let rest = line;
  for (let m = LIST_PREFIX.exec(rest); m && m[0].length > 0; m = LIST_PREFIX.exec(rest)) rest = rest.slice(m[0].length);
  return rest;
}

/** The figure keys a material states (title and text), list markers at line starts left out. */
export function materialNumberKeys(text: string, words: NumberWords): Set<string> {
  const keys = new Set<string>();
  for (const line of text.split('\n')) for (const t of numberTokens(stripListPrefix(line), words)) keys.add(numberKey(t));
  return keys;
}

export interface DocumentNumber {
  /** Up to three Han characters before the bracket, a leading 据/的/… dropped: the issuer's code (教督, 国办发). */
  issuer: string;
  year: string;
  serial: string;
  /** As written, NFKC-normalised, from the bracket on: 〔2017〕6号. */
  text: string;
}

/** A 文号 with any bracket pair: 教督〔2017〕6号 = 教督[2017]6号 = 教督【2017】6号 = 教督（2017）6号. */
const DOCUMENT_NUMBER = /(\p{Script=Han}{0,3})([〔\[【(]\s*(\d{4})\s*[〕\]】)]\s*第?\s*(\d{1,4})\s*号)/gu;

/** Words that often stand right before a 文号 (依据教督…, 印发的教督…) and are no part of its issuer. */
const BEFORE_ISSUER = /^[据依按照的了和与及见在为于以即]+/u;

export function documentNumbers(text: string): DocumentNumber[] {
  return [...text.normalize('NFKC').matchAll(DOCUMENT_NUMBER)].map((m) => ({
    issuer: m[1]!.replace(BEFORE_ISSUER, ''),
    year: m[3]!,
    serial: canonical(m[4]!, ''),
    text: m[2]!,
  }));
}

/**
 * A 文号 of the answer is given when a material has one with the same year
 * and serial whose issuer ends like it (教督 = 印发教督; 国发 ≠ 国办发). A 文号
 * written without an issuer only needs year and serial.
 */
export function sameDocumentNumber(answer: DocumentNumber, material: DocumentNumber): boolean {
  if (answer.year !== material.year || answer.serial !== material.serial) return false;
  let common = 0;
  while (
    common < answer.issuer.length &&
    common < material.issuer.length &&
    answer.issuer[answer.issuer.length - 1 - common] === material.issuer[material.issuer.length - 1 - common]
  ) {
    common++;
  }
  return common >= Math.min(2, answer.issuer.length);
}
