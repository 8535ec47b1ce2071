import { chineseNumeralValue } from '../answer/numerals.js';

/** The outcome of reading one figure a person typed or a spreadsheet cell held. */
export type FigureResult =
  | { ok: true; value: number; approximate: boolean; normalized?: string }
  | { ok: false; reason: string };

interface UnitSpec {
  /** Canonical unit of the field. */
  unit: string;
  integer: boolean;
}

/** Units a person may write, with their dimension and factor to the dimension's base unit. */
const UNIT_WORDS: readonly { words: string[]; dim: string; factor: number }[] = [
  { words: ['平方米', '平米', '㎡', 'm²', 'm2', '平方', '平'], dim: 'area', factor: 1 },
  { words: ['亿元'], dim: 'money', factor: 1e8 },
  { words: ['万元'], dim: 'money', factor: 1e4 },
  { words: ['元', '块钱', '块'], dim: 'money', factor: 1 },
  { words: ['人', '名', '位'], dim: 'people', factor: 1 },
  { words: ['间', '个', '所', '台', '套', '班'], dim: 'count', factor: 1 },
  { words: ['%', '％', '百分点'], dim: 'percent', factor: 1 },
];

/** A field's unit as a dimension and factor (万元 fields take 万元 as 1). */
function fieldUnit(unit: string): { dim: string; factor: number } | null {
  for (const u of UNIT_WORDS) for (const w of u.words) if (unit.startsWith(w)) return { dim: u.dim, factor: u.factor };
  return null;
}

const APPROXIMATE = /^(?:约|大约|大概|差不多|将近|接近|近)|(?:左右|上下|多|余|来)$/u;
const RANGE = /\d\s*(?:[-~～—至到])\s*\d/u;

/** "1.2万" → 12000, "三百二十" → 320, "3千5百" → 3500, "一千二" / "1千2" → 1200, "1,234" → 1234. */
function numberOf(text: string): number | null {
  const t = text.replace(/[,，](?=\d{3}(?!\d))/gu, '');
  if (/^\d+(?:\.\d+)?$/u.test(t)) return Number(t);
  const scaled = /^(\d+(?:\.\d+)?)(万|千|百)$/u.exec(t);
  if (scaled) return Number(scaled[1]) * { 万: 1e4, 千: 1e3, 百: 1e2 }[scaled[2] as '万' | '千' | '百'];
  // 3千5百, and 1千2 / 3万5 as people say them (the last digit in the next lower place).
  const mixed = /^(\d+)(千|万)(\d)(百|千)?$/u.exec(t);
  if (mixed && (mixed[4] === undefined || (mixed[2] === '千') === (mixed[4] === '百'))) {
    const high = mixed[2] === '千' ? 1000 : 10000;
    return Number(mixed[1]) * high + Number(mixed[3]) * (high / 10);
  }
  const point = /^([零〇一二两三四五六七八九十百千万]+)点([零〇一二三四五六七八九]+)$/u.exec(t);
  if (point) {
    const whole = chineseNumeralValue(point[1]!);
    const frac = [...point[2]!].map((c) => '零一二三四五六七八九'.indexOf(c === '〇' ? '零' : c)).join('');
    return whole === null ? null : Number(`${whole}.${frac}`);
  }
  return chineseNumeralValue(t);
}

/**
 * Reads a figure for a field: Arabic, full-width and Chinese numerals,
 * thousands separators, a unit (converted when it differs: 万元 ↔ 元), and
 * "约300" marked approximate so that the dialogue asks to confirm it.
 * Refuses negative numbers, ranges, fractions of whole things and text, with
 * a reason in Chinese.
 */
export function parseFigure(input: string, field: UnitSpec): FigureResult {
  const raw = input.normalize('NFKC').trim().replace(/\s+/gu, '');
  if (!raw) return { ok: false, reason: '没有填数字。' };
  if (RANGE.test(raw)) return { ok: false, reason: '请填一个具体的数，不要填范围。' };
  if (/^[-−－]/u.test(raw)) return { ok: false, reason: '不能是负数。' };
  let body = raw;
  const approximate = APPROXIMATE.test(body);
  body = body.replace(/^(?:约|大约|大概|差不多|将近|接近|近)/u, '').replace(/(?:左右|上下|多|余|来)$/u, '');

  let factor = 1;
  const target = fieldUnit(field.unit);
  // 50万 for a sum of money is 50 万元; for people, 1.2万 is 12000 (numberOf).
  if (target?.dim === 'money' && /\d[万亿]$/u.test(body)) body += '元';
  for (const u of UNIT_WORDS) {
    const w = u.words.find((x) => body.endsWith(x));
    if (!w) continue;
    if (target && u.dim !== target.dim) return { ok: false, reason: `单位不对：这一项的单位是“${field.unit}”。` };
    factor = target ? u.factor / target.factor : 1;
    body = body.slice(0, -w.length);
    break;
  }
  const n = numberOf(body);
  if (n === null || !Number.isFinite(n)) return { ok: false, reason: `“${input.trim()}”不是一个数字。` };
  const value = n * factor;
  if (field.integer && !Number.isInteger(Math.round(value * 1e9) / 1e9)) {
    return { ok: false, reason: `这一项应是整数（${field.unit}），不能有小数。` };
  }
  const result: FigureResult = { ok: true, value: field.integer ? Math.round(value) : value, approximate };
  const plain = /^\d+(?:\.\d+)?$/u.test(raw) ? undefined : String(result.value);
  return plain === undefined ? result : { ...result, normalized: plain };
}
