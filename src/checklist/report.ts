import { block, line, type Block } from '../present/blocks.js';
import { formatValue } from './format.js';
import { applySchoolRule, indicatorValue, judge } from './rules.js';
import type { Answer } from './run.js';
import { STAGE_NAMES, type Checklist, type Indicator, type InputField, type NumericIndicator, type SourceRef, type Stage } from './types.js';

/** For a "per 12 classes" item: the rooms the standard asks for, those present and those missing. */
export interface RoomCount {
  /** The base figure (班级数) with its field. */
  base: number;
  baseField: InputField;
  needed: number;
  present: number;
  /** 间 */
  unit: string;
}

/** One indicator's outcome for a school or county. */
export interface ReportRow {
  indicator: Indicator;
  status: 'pass' | 'fail' | 'missing';
  value?: number;
  threshold?: number;
  /** value / threshold */
  ratio?: number;
  /** Inputs that were skipped or not known. */
  missing: string[];
  /** For a miss: how far, in the user's terms. */
  gap?: string;
  /** Set for items counted per ⌈班级数 ÷ n⌉ (专用教室): shown as rooms, not as a ratio. */
  rooms?: RoomCount;
}

/** One raw figure as the user gave it. */
export interface ReportInput {
  field: InputField;
  answer?: Answer;
}

export interface ChecklistReport {
  checklist: Checklist;
  stage: Stage | null;
  /** School or county name, when the user gave one. */
  name: string | null;
  /** When the run was finished (or the report made). */
  date: Date;
  rows: ReportRow[];
  /** Every raw figure of the checklist, in its order, answered or not. */
  inputs: ReportInput[];
  verdict: 'met' | 'not-met' | 'incomplete';
  /** Why, in Chinese (the official rule applied). */
  verdictText: string;
  /** Whether every indicator has a verdict. */
  complete: boolean;
  /** Names of the indicators without a verdict, in checklist order. */
  missing: string[];
}

export interface ReportMeta {
  name?: string | null;
  date?: Date;
}

/** 1.4054 → "1.41", 7.5 → "7.5", 2000 → "2000" (the shared rule of format.ts, without a verdict). */
export function formatNumber(n: number): string {
  return formatValue(n);
}

export function citeRule(s: SourceRef): string {
  return `《${s.document}》（${s.number}）${s.location}`;
}

/** 2025年3月1日 */
export function reportDate(d: Date): string {
  return `${d.getFullYear()}年${d.getMonth() + 1}月${d.getDate()}日`;
}

/** 学校 or 县（市、区）: a checklist with county-level items is filled in for a county. */
export function subjectLabel(c: Checklist): string {
  return c.indicators.some((i) => i.level === 'county') ? '县（市、区）' : '学校';
}

/** What the 学段 line says: the stage, or that county items have none. */
export function stageText(c: Checklist, stage: Stage | null): string {
  const county = c.indicators.some((i) => i.level === 'county');
  if (!county) return stage ? STAGE_NAMES[stage] : '未选';
  return stage ? `县级指标不分学段；逐校项目按${STAGE_NAMES[stage]}核对` : '县级指标不分学段';
}

const UNVERIFIED = '（此项未经核实，请以原文为准）';

function thresholdFor(ind: NumericIndicator, stage: Stage | null): Stage | 'county' {
  return ind.thresholds.county !== undefined || stage === null ? 'county' : stage;
}

/** A value as shown next to its verdict (never rounded across the threshold). */
export function shownValue(row: ReportRow): string {
  const ind = row.indicator;
  if (ind.kind !== 'numeric' || row.value === undefined) return '';
  if (row.threshold === undefined) return formatValue(row.value);
  return formatValue(row.value, { judged: { threshold: row.threshold, comparator: ind.comparator, pass: row.status === 'pass' } });
}

/** A difference that is never shown as 0 (a failing 4.497 is 0.003 short, not 0). */
function shownDiff(diff: number): string {
  return formatValue(diff, { judged: { threshold: 0, comparator: '>', pass: true } });
}

/** How far a failed figure is from its threshold, as a quantity the school can act on. */
export function gapText(ind: NumericIndicator, value: number, threshold: number, answers: Record<string, number>, fieldUnit: (key: string) => string): string {
  const below = ind.comparator === '>=' || ind.comparator === '>';
  const per = ind.formula.per;
  const diff = Math.abs(threshold - value);
  const shown = formatValue(value, { judged: { threshold, comparator: ind.comparator, pass: false } });
  const head = `${ind.name} ${shown} ${ind.unit}，标准 ${formatValue(threshold)}，${below ? '还差' : '超出'} ${shownDiff(diff)} ${ind.unit}`;
  const base = per !== undefined ? answers[per] : undefined;
  if (!below || base === undefined || ind.formula.perCeilDiv !== undefined) return head;
  const total = (diff * base) / (ind.formula.scale ?? 1);
  const unit = fieldUnit(ind.formula.sum[0]!);
  const whole = unit === '人' || unit === '间' || unit === '个';
  return `${head}，约 ${whole ? Math.ceil(total - 1e-9) : shownDiff(total)} ${unit}`;
}

/**
 * Rooms for a "per n classes" item, with the standard's rounding: needed =
 * ⌈班级数 ÷ n × 每 n 班间数⌉ (30 个班、每 12 班 1 间 → 3 间).
 */
function roomCount(ind: NumericIndicator, values: Record<string, number>, threshold: number, field: (key: string) => InputField | undefined): RoomCount | undefined {
  const f = ind.formula;
  if (f.perCeilDiv === undefined || f.per === undefined || f.scale !== undefined) return undefined;
  const baseField = field(f.per);
  const base = values[f.per];
  if (!baseField || base === undefined) return undefined;
  const present = f.sum.reduce((a, k) => a + (values[k] ?? 0), 0);
  const needed = Math.ceil((base / f.perCeilDiv) * threshold - 1e-9);
  return { base, baseField, needed, present, unit: field(f.sum[0]!)?.unit ?? '' };
}

/** 班级数 30 个，要 3 间，有 2 间，差 1 间 */
export function roomText(r: RoomCount): string {
  const head = `${r.baseField.name} ${r.base} ${r.baseField.unit}，要 ${r.needed} ${r.unit}，有 ${r.present} ${r.unit}`;
  return r.present >= r.needed ? head : `${head}，差 ${r.needed - r.present} ${r.unit}`;
}

/** Judges every indicator of a checklist from a run's answers and applies the official rule. */
export function buildReport(checklist: Checklist, stage: Stage | null, answers: Readonly<Record<string, Answer>>, meta: ReportMeta = {}): ChecklistReport {
  const values: Record<string, number> = {};
  for (const [k, a] of Object.entries(answers)) if (a.status === 'value') values[k] = a.value;
  const field = (key: string) => checklist.fields.find((f) => f.key === key);
  const fieldName = (key: string) => field(key)?.name ?? key;
  const fieldUnit = (key: string) => field(key)?.unit ?? '';

  const rows: ReportRow[] = checklist.indicators.map((ind) => {
    if (ind.kind === 'boolean') {
      const a = answers[ind.id];
      if (a?.status === 'yes') return { indicator: ind, status: 'pass', missing: [] };
      if (a?.status === 'no') return { indicator: ind, status: 'fail', missing: [] };
      return { indicator: ind, status: 'missing', missing: [ind.name] };
    }
    const keys = [...ind.formula.sum, ...(ind.formula.per ? [ind.formula.per] : [])];
    const missing = keys.filter((k) => values[k] === undefined).map(fieldName);
    const value = missing.length === 0 ? indicatorValue(ind, values) : null;
    if (value === null) return { indicator: ind, status: 'missing', missing: missing.length ? missing : keys.map(fieldName) };
    const j = judge(ind, value, thresholdFor(ind, stage));
    if (!j) return { indicator: ind, status: 'missing', value, missing: [] };
    const rooms = roomCount(ind, values, j.threshold, field);
    if (rooms) {
      // The verdict follows the rooms shown, so that 要 3 间、有 3 间 is never a miss.
      const pass = rooms.present >= rooms.needed;
      const row: ReportRow = { indicator: ind, status: pass ? 'pass' : 'fail', value, threshold: j.threshold, ratio: rooms.needed > 0 ? rooms.present / rooms.needed : 1, missing: [], rooms };
      if (!pass) row.gap = `${ind.name}：${roomText(rooms)}`;
      return row;
    }
    const row: ReportRow = { indicator: ind, status: j.pass ? 'pass' : 'fail', value, threshold: j.threshold, ratio: j.ratio, missing: [] };
    if (!j.pass) row.gap = gapText(ind, value, j.threshold, values, fieldUnit);
    return row;
  });

  const missingRows = rows.filter((r) => r.status === 'missing');
  let verdict: ChecklistReport['verdict'];
  let verdictText: string;
  const rule = checklist.schoolRule;
  if (rule) {
    const results = new Map(rows.filter((r) => rule.indicatorIds.includes(r.indicator.id)).map((r) => [
      r.indicator.id,
      r.status === 'missing' ? null : { pass: r.status === 'pass', ratio: r.ratio ?? 0 },
    ]));
    const outcome = applySchoolRule(rule, results);
    verdict = outcome.verdict;
    const name = (id: string) => checklist.indicators.find((i) => i.id === id)?.name ?? id;
    verdictText =
      outcome.verdict === 'met'
        ? `达到要求：${rule.indicatorIds.length} 项中 ${outcome.met} 项达标${outcome.failed.length ? `，未达标的“${outcome.failed.map(name).join('、')}”不低于标准的 ${rule.floorRatio * 100}%` : ''}。`
        : outcome.verdict === 'not-met'
          ? `未达到要求：${rule.indicatorIds.length} 项中 ${outcome.met} 项达标（至少要 ${rule.minMet} 项）${outcome.belowFloor.length ? `；“${outcome.belowFloor.map(name).join('、')}”低于标准的 ${rule.floorRatio * 100}%` : ''}。`
          : `暂无法判定：还缺 ${outcome.missing.map(name).join('、')} 的数据。`;
    verdictText += `规则：${rule.description.replace(/[。.]+$/u, '')}。依据：${citeRule(rule.source)}。`;
  } else {
    const fails = rows.filter((r) => r.status === 'fail');
    verdict = fails.length > 0 ? 'not-met' : missingRows.length > 0 ? 'incomplete' : 'met';
    const failText = `${fails.length} 项未达标：${fails.map((r) => r.indicator.name).join('、')}。`;
    if (missingRows.length > 0) {
      // An unfinished run never reads as a conclusion, whatever the answered items say.
      const answered = rows.length - missingRows.length;
      verdictText = `未完成：${missingRows.length} 项未填，结论不完整。${answered === 0 ? '' : fails.length > 0 ? `已填的 ${answered} 项中有 ${failText}` : `已填的 ${answered} 项都达标。`}`;
    } else {
      verdictText = verdict === 'met' ? '各项全部达标。' : `有 ${failText}`;
    }
  }
  return {
    checklist,
    stage,
    name: meta.name?.trim() || null,
    date: meta.date ?? new Date(),
    rows,
    inputs: checklist.fields.map((f) => ({ field: f, ...(answers[f.key] ? { answer: answers[f.key] } : {}) })),
    verdict,
    verdictText,
    complete: missingRows.length === 0,
    missing: missingRows.map((r) => r.indicator.name),
  };
}

const CMP: Record<string, string> = { '>=': '≥', '<=': '≤', '>': '>', '<': '<' };

/** One indicator's verdict line, with the cited rule, as shown right after its figures are in. */
export function rowText(row: ReportRow, stage: Stage | null): string {
  const ind = row.indicator;
  const note = ind.unverified ? UNVERIFIED : '';
  const rule = `依据：${citeRule(ind.source)}${note}`;
  if (ind.kind === 'boolean') {
    const s = row.status === 'pass' ? '✅ 达标' : row.status === 'fail' ? '❌ 未达标' : '⏸ 未判定';
    return `${s}　${ind.name}\n${rule}`;
  }
  if (row.status === 'missing') return `⏸ 未判定　${ind.name}${row.missing.length ? `（缺少：${row.missing.join('、')}）` : ''}\n${rule}`;
  const mark = row.status === 'pass' ? '✅ 达标' : '❌ 未达标';
  if (row.rooms) return `${mark}　${ind.name}：${roomText(row.rooms)}\n${rule}`;
  const stageLabel = ind.thresholds.county !== undefined || stage === null ? '' : `（${STAGE_NAMES[stage]}）`;
  const head = `${mark}　${ind.name}：${shownValue(row)} ${ind.unit}，标准${stageLabel} ${CMP[ind.comparator]} ${formatValue(row.threshold!)}`;
  return `${head}${row.gap ? `\n${row.gap}` : ''}\n${rule}`;
}

/** The figure column of a report row: 6 / 7.5 平方米/生, 要 3 间，有 2 间, 是, 未填. */
export function rowFigure(row: ReportRow): string {
  const ind = row.indicator;
  if (row.rooms) return `要 ${row.rooms.needed} ${row.rooms.unit}，有 ${row.rooms.present} ${row.rooms.unit}`;
  if (ind.kind === 'numeric' && row.value !== undefined) {
    return `${shownValue(row)}${row.threshold !== undefined ? ` / ${formatValue(row.threshold)}` : ''} ${ind.unit}`;
  }
  return row.status === 'missing' ? '未填' : row.status === 'pass' ? '是' : '否';
}

/** A raw figure as typed and as used: 2360 人（原填“约2360”，估计值）. */
export function inputText(input: ReportInput): string | null {
  const a = input.answer;
  if (!a) return null;
  if (a.status === 'skipped') return '跳过';
  if (a.status === 'unknown') return '不清楚';
  if (a.status !== 'value') return a.status === 'yes' ? '是' : '否';
  const used = `${formatValue(a.value)} ${input.field.unit}`;
  const notes = [
    ...(a.raw !== undefined && a.raw !== formatValue(a.value) ? [`原填“${a.raw}”`] : []),
    ...(a.estimate ? ['估计值'] : []),
    ...(a.unusual ? ['超出常见范围，填报人已确认'] : []),
  ];
  return notes.length ? `${used}（${notes.join('，')}）` : used;
}

/** The report as chat text, as structure (`richText` gives its plain rendering): title, who and when, one line per indicator, the verdict, what is missing, the gaps, the figures as typed, the caveat. */
export function reportBlocks(r: ChecklistReport): Block[] {
  const rows = r.rows.map((row) => {
    const mark = row.status === 'pass' ? '✅' : row.status === 'fail' ? '❌' : '⏸';
    return line('item', `${mark} ${row.indicator.name}：${rowFigure(row)}${row.indicator.unverified ? '（未核实）' : ''}`);
  });
  const blocks = [
    block(line('title', `【自查报告】${r.checklist.name}${r.stage && subjectLabel(r.checklist) === '学校' ? ` · ${STAGE_NAMES[r.stage]}` : ''}`)),
    block(line('text', `${subjectLabel(r.checklist)}：${r.name ?? '未填写'}　学段：${stageText(r.checklist, r.stage)}　日期：${reportDate(r.date)}`)),
    block(...rows),
    block(line('verdict', `结论：${r.verdictText}`)),
  ];
  if (!r.complete) blocks.push(block(line('heading', `未填（${r.missing.length} 项）：`), line('item', r.missing.join('、'))));
  const gaps = r.rows.filter((x) => x.gap);
  if (gaps.length > 0) blocks.push(block(line('heading', '差距：'), ...gaps.map((x) => line('item', `· ${x.gap}`))));
  const typed = r.inputs.flatMap((i) => (i.answer?.status === 'value' ? [line('item', `· ${i.field.name}：${inputText(i)}`)] : []));
  if (typed.length > 0) blocks.push(block(line('heading', '填写的数据：'), ...typed));
  if (r.rows.some((x) => x.indicator.unverified)) blocks.push(block(line('note', '标“未核实”的条目依据的是转述材料，正式判定请以教育部原文及本省细则为准。')));
  return blocks;
}
