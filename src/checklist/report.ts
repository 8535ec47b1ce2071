import { block, line, type Block } from '../present/blocks.js';
import { applySchoolRule, indicatorValue, judge } from './rules.js';
import type { Answer } from './run.js';
import { STAGE_NAMES, type Checklist, type Indicator, type NumericIndicator, type SourceRef, type Stage } from './types.js';

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
}

export interface ChecklistReport {
  checklist: Checklist;
  stage: Stage | null;
  rows: ReportRow[];
  verdict: 'met' | 'not-met' | 'incomplete';
  /** Why, in Chinese (the official rule applied). */
  verdictText: string;
}

/** 1.4054 → "1.41", 7.5 → "7.5", 2000 → "2000". */
export function formatNumber(n: number): string {
  return Number.isInteger(n) ? String(n) : String(Number(n.toFixed(2)));
}

export function citeRule(s: SourceRef): string {
  return `《${s.document}》（${s.number}）${s.location}`;
}

const UNVERIFIED = '（此项未经核实，请以原文为准）';

function thresholdFor(ind: NumericIndicator, stage: Stage | null): Stage | 'county' {
  return ind.thresholds.county !== undefined || stage === null ? 'county' : stage;
}

/** How far a failed figure is from its threshold, as a quantity the school can act on. */
export function gapText(ind: NumericIndicator, value: number, threshold: number, answers: Record<string, number>, fieldUnit: (key: string) => string): string {
  const below = ind.comparator === '>=' || ind.comparator === '>';
  const per = ind.formula.per;
  const diff = Math.abs(threshold - value);
  const head = `${ind.name} ${formatNumber(value)} ${ind.unit}，标准 ${formatNumber(threshold)}，${below ? '还差' : '超出'} ${formatNumber(diff)} ${ind.unit}`;
  const base = per !== undefined ? answers[per] : undefined;
  if (!below || base === undefined || ind.formula.perCeilDiv !== undefined) return head;
  const total = (diff * base) / (ind.formula.scale ?? 1);
  const unit = fieldUnit(ind.formula.sum[0]!);
  const whole = unit === '人' || unit === '间' || unit === '个';
  return `${head}，约 ${whole ? Math.ceil(total - 1e-9) : formatNumber(total)} ${unit}`;
}

/** Judges every indicator of a checklist from a run's answers and applies the official rule. */
export function buildReport(checklist: Checklist, stage: Stage | null, answers: Readonly<Record<string, Answer>>): ChecklistReport {
  const values: Record<string, number> = {};
  for (const [k, a] of Object.entries(answers)) if (a.status === 'value') values[k] = a.value;
  const fieldName = (key: string) => checklist.fields.find((f) => f.key === key)?.name ?? key;
  const fieldUnit = (key: string) => checklist.fields.find((f) => f.key === key)?.unit ?? '';

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
    const row: ReportRow = { indicator: ind, status: j.pass ? 'pass' : 'fail', value, threshold: j.threshold, ratio: j.ratio, missing: [] };
    if (!j.pass) row.gap = gapText(ind, value, j.threshold, values, fieldUnit);
    return row;
  });

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
    const missing = rows.filter((r) => r.status === 'missing');
    verdict = fails.length > 0 ? 'not-met' : missing.length > 0 ? 'incomplete' : 'met';
    verdictText =
      verdict === 'met'
        ? '填写的各项全部达标。'
        : verdict === 'not-met'
          ? `有 ${fails.length} 项未达标：${fails.map((r) => r.indicator.name).join('、')}。`
          : `已填各项达标，另有 ${missing.length} 项未填或不清楚，暂无法全部判定。`;
  }
  return { checklist, stage, rows, verdict, verdictText };
}

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
  const stageLabel = ind.thresholds.county !== undefined || stage === null ? '' : `（${STAGE_NAMES[stage]}）`;
  const cmp = ind.comparator === '>=' ? '≥' : ind.comparator === '<=' ? '≤' : ind.comparator;
  const head = `${row.status === 'pass' ? '✅ 达标' : '❌ 未达标'}　${ind.name}：${formatNumber(row.value!)} ${ind.unit}，标准${stageLabel} ${cmp} ${formatNumber(row.threshold!)}`;
  return `${head}${row.gap ? `\n${row.gap}` : ''}\n${rule}`;
}

/** The report as chat text, as structure (`richText` gives its plain rendering): title, one line per indicator, the verdict, the gaps, the caveat. */
export function reportBlocks(r: ChecklistReport): Block[] {
  const rows = r.rows.map((row) => {
    const ind = row.indicator;
    const mark = row.status === 'pass' ? '✅' : row.status === 'fail' ? '❌' : '⏸';
    const figure =
      ind.kind === 'numeric' && row.value !== undefined
        ? `${formatNumber(row.value)}${row.threshold !== undefined ? ` / ${formatNumber(row.threshold)}` : ''} ${ind.unit}`
        : row.status === 'missing' ? '未填' : row.status === 'pass' ? '是' : '否';
    return line('item', `${mark} ${ind.name}：${figure}${ind.unverified ? '（未核实）' : ''}`);
  });
  const blocks = [
    block(line('title', `【自查报告】${r.checklist.name}${r.stage ? ` · ${STAGE_NAMES[r.stage]}` : ''}`)),
    block(...rows),
    block(line('verdict', `结论：${r.verdictText}`)),
  ];
  const gaps = r.rows.filter((x) => x.gap);
  if (gaps.length > 0) blocks.push(block(line('heading', '差距：'), ...gaps.map((x) => line('item', `· ${x.gap}`))));
  if (r.rows.some((x) => x.indicator.unverified)) blocks.push(block(line('note', '标“未核实”的条目依据的是转述材料，正式判定请以教育部原文及本省细则为准。')));
  return blocks;
}
