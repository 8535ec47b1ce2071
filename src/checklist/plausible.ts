/**
 * Plausible ranges of computed indicator values (corpus/checklists/plausibility/ranges.yaml):
 * a value far outside what any real school has — most often a unit slip,
 * 2360 typed as 万元 for 236 — is questioned before it is used. The ranges are
 * data with a reason each, checked by zod and against the loaded checklists;
 * the check itself is pure.
 */
import path from 'node:path';
import { z } from 'zod';
import { JunhengError } from '../errors.js';
import { formatValue } from './format.js';
import { defaultYamlParser, issuesText, readBesideChecklists, type YamlParser } from './load.js';
import { indicatorValue } from './rules.js';
import type { Answer } from './run.js';
import type { Checklist, NumericIndicator, Stage } from './types.js';

const text = z.string().trim().min(1);

export const PlausibleRangeSchema = z
  .strictObject({
    checklist: text,
    indicator: text,
    /** Below threshold × below the value is questioned. */
    below: z.number().finite().gt(0).lt(1).optional(),
    /** Above threshold × above the value is questioned. */
    above: z.number().finite().gt(1).optional(),
    /** The question put to the user, e.g. 是不是单位填错了（万元/元）？ */
    ask: text,
    reason: text,
  })
  .refine((r) => r.below !== undefined || r.above !== undefined, { message: 'below 和 above 至少要填一个' });

export const PlausibleRangesSchema = z.strictObject({ ranges: z.array(PlausibleRangeSchema) });

export type PlausibleRange = z.infer<typeof PlausibleRangeSchema>;

/** Where the ranges live inside a checklist folder (a sub-folder: the checklist loader reads only the folder's own *.yaml). */
export const RANGES_FILE = path.join('plausibility', 'ranges.yaml');

/** Validates the ranges file and that each entry names a numeric indicator with a threshold; Chinese errors name the entry. */
export function parsePlausibleRanges(raw: unknown, file: string, checklists: readonly Checklist[]): PlausibleRange[] {
  const parsed = PlausibleRangesSchema.safeParse(raw);
  if (!parsed.success) {
    const where = issuesText(parsed.error);
    throw new JunhengError(`可信范围文件 ${file} 有误：${where}`, `invalid ranges ${file}: ${parsed.error.message}`, { cause: parsed.error });
  }
  const seen = new Set<string>();
  parsed.data.ranges.forEach((r, n) => {
    const fail = (why: string) => {
      throw new JunhengError(`可信范围文件 ${file} 第 ${n + 1} 条（${r.checklist} / ${r.indicator}）有误：${why}`, `invalid range ${n} in ${file}: ${why}`);
    };
    const key = `${r.checklist}/${r.indicator}`;
    if (seen.has(key)) fail('同一指标重复出现');
    seen.add(key);
    const c = checklists.find((x) => x.id === r.checklist);
    if (!c) return fail('没有这份检查清单');
    const ind = c.indicators.find((i) => i.id === r.indicator);
    if (!ind) return fail('清单里没有这个指标');
    if (ind.kind !== 'numeric') return fail('只有数值指标才能设范围');
    if (Object.keys(ind.thresholds).length === 0) fail('这个指标没有标准值，无法按标准的倍数设范围');
  });
  return parsed.data.ranges;
}

/** `<checklistDir>/plausibility/ranges.yaml`; no file means no ranges (a checklist folder of one's own need not have one). */
export function loadPlausibleRanges(checklistDir: string, checklists: readonly Checklist[], parser: YamlParser = defaultYamlParser): PlausibleRange[] {
  const file = readBesideChecklists(checklistDir, RANGES_FILE, '可信范围文件', parser);
  return file ? parsePlausibleRanges(file.raw, file.shown, checklists) : [];
}

/** A computed value outside its plausible range. */
export interface Unusual {
  indicator: NumericIndicator;
  value: number;
  threshold: number;
  range: PlausibleRange;
  side: 'above' | 'below';
}

/** Whether `value` lies outside the range around `threshold`. */
export function outsideRange(range: PlausibleRange, value: number, threshold: number): 'above' | 'below' | null {
  if (range.above !== undefined && value > threshold * range.above) return 'above';
  if (range.below !== undefined && value < threshold * range.below) return 'below';
  return null;
}

/**
 * The indicators that `answers` plus the new figure `key = value` make
 * computable and that land outside their range. Only indicators that use the
 * new figure are looked at: the others were checked when they were complete.
 */
export function unusualAfter(
  c: Checklist,
  ranges: readonly PlausibleRange[],
  stage: Stage | null,
  answers: Readonly<Record<string, Answer>>,
  key: string,
  value: number,
): Unusual[] {
  const values: Record<string, number> = { [key]: value };
  for (const [k, a] of Object.entries(answers)) if (a.status === 'value' && k !== key) values[k] = a.value;
  const out: Unusual[] = [];
  for (const range of ranges) {
    if (range.checklist !== c.id) continue;
    const ind = c.indicators.find((i): i is NumericIndicator => i.id === range.indicator && i.kind === 'numeric');
    if (!ind || (!ind.formula.sum.includes(key) && ind.formula.per !== key)) continue;
    const threshold = ind.thresholds.county ?? (stage ? ind.thresholds[stage] : undefined);
    const v = indicatorValue(ind, values);
    if (threshold === undefined || v === null) continue;
    const side = outsideRange(range, v, threshold);
    if (side) out.push({ indicator: ind, value: v, threshold, range, side });
  }
  return out;
}

/** 按您填的数，生均教学仪器设备值是 19666.67 元/生，是标准（2000）的 9.8 倍，实际学校很少这样。是不是单位填错了（万元/元）？ */
export function unusualText(list: readonly Unusual[]): string {
  const what = list.map((u) => {
    const times =
      u.side === 'above'
        ? `是标准（${formatValue(u.threshold)}）的 ${formatValue(u.value / u.threshold, { digits: 1 })} 倍`
        : `只有标准（${formatValue(u.threshold)}）的 ${formatValue((u.value / u.threshold) * 100, { digits: 0, judged: { threshold: 100 * (u.range.below ?? 1), comparator: '<', pass: true } })}%`;
    return `${u.indicator.name}是 ${formatValue(u.value)} ${u.indicator.unit}，${times}`;
  });
  const asks = [...new Set(list.map((u) => u.range.ask))];
  return `按您填的数，${what.join('；')}，实际学校很少这样。${asks.join('')}`;
}
