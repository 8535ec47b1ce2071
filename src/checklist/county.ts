/**
 * County assessment over a school table: each school against the 单校规则,
 * each stage's student-weighted 差异系数 against the balance rule, and the
 * county verdict. Pure (no I/O); full-precision numbers, rounded only in
 * `countyReportText`.
 */
import { JunhengError } from '../errors.js';
import { formatValue } from './format.js';
import { citeRule } from './report.js';
import { applyBalanceRule, applySchoolRule, indicatorValue, judge, weightedCV, type Judgement } from './rules.js';
import { SCHOOL_COLUMNS, type RejectedRow, type SchoolTable, type TableWarning } from './spreadsheet.js';
import { STAGE_NAMES, type Checklist, type Comparator, type NumericIndicator, type Stage } from './types.js';

export type StageName = '小学' | '初中';
const STAGES: readonly Stage[] = ['primary', 'junior'];

export interface SchoolAssessment {
  line: number;
  name: string;
  stage: Stage;
  students: number;
  /** Indicator id → value, full precision. */
  indicators: Record<string, number>;
  /** Indicator id → threshold, pass, ratio (value ÷ threshold). */
  judgements: Record<string, Judgement>;
  passed: string[];
  failed: string[];
  /** Failed indicators below the rule's floor (85 %). */
  belowFloor: string[];
  verdict: 'met' | 'not-met';
}

export interface StageBalance {
  stage: Stage;
  schools: number;
  students: number;
  /** Indicator id → student-weighted 差异系数 (null: cannot be computed, e.g. every school 0). */
  cv: Record<string, number | null>;
  limit: number;
  /** Indicators whose CV fails the limit. */
  failing: string[];
  verdict: 'met' | 'not-met';
}

export interface CountyAssessment {
  checklistId: string;
  fileName: string;
  schools: SchoolAssessment[];
  /** Stages present in the table, 小学 first. */
  stages: StageBalance[];
  verdict: 'met' | 'not-met';
  /** Why the county is not met, in Chinese (empty when met). */
  reasons: string[];
  rejectedRows: RejectedRow[];
  /** Row warnings (accepted normalisations) and table notes, by line. */
  warnings: TableWarning[];
}

/** What `npm run assess -- FILE --json` prints. */
export interface CountyJson {
  schools: {
    name: string;
    stage: StageName;
    line: number;
    indicators: Record<string, number>;
    passed: string[];
    failed: string[];
    verdict: 'met' | 'not-met';
  }[];
  cv: Partial<Record<StageName, Record<string, number | null>>>;
  balance: Partial<Record<StageName, 'met' | 'not-met'>>;
  verdict: 'met' | 'not-met';
  reasons: string[];
  rejectedRows: { line: number; name: string; reasons: string[] }[];
  warnings: { line: number; name: string; message: string }[];
}

interface Rules {
  indicators: NumericIndicator[];
  schoolRule: NonNullable<Checklist['schoolRule']>;
  balanceRule: NonNullable<Checklist['balanceRule']>;
}

/** The checklist must define both rules over numeric indicators whose inputs the table provides. */
function rulesOf(checklist: Checklist): Rules {
  const { schoolRule, balanceRule } = checklist;
  if (!schoolRule || !balanceRule) {
    throw new JunhengError(`清单「${checklist.name}」没有单校规则或差异系数规则，不能用于县域评估。`, `checklist ${checklist.id} lacks schoolRule/balanceRule`);
  }
  const byId = new Map(checklist.indicators.map((i) => [i.id, i]));
  const ids = [...new Set([...schoolRule.indicatorIds, ...balanceRule.indicatorIds])];
  const indicators: NumericIndicator[] = [];
  const readable = new Map(SCHOOL_COLUMNS.map((c) => [c.key, c.unit]));
  // The table holds each figure in the unit spreadsheet.ts reads it in; a checklist that asks for another unit would be off by a factor.
  for (const f of checklist.fields) {
    const unit = readable.get(f.key);
    if (unit !== undefined && unit !== f.unit) {
      throw new JunhengError(
        `清单「${checklist.name}」的「${f.name}」单位是${f.unit}，学校表格按${unit}读取，两者不一致，不能评估。`,
        `checklist ${checklist.id}: field ${f.key} unit ${f.unit} differs from spreadsheet unit ${unit}`,
      );
    }
  }
  for (const id of ids) {
    const ind = byId.get(id);
    if (!ind || ind.kind !== 'numeric') {
      throw new JunhengError(`清单「${checklist.name}」的规则引用了不可计算的指标「${id}」。`, `checklist ${checklist.id}: rule indicator ${id} missing or not numeric`);
    }
    const keys = [...ind.formula.sum, ...(ind.formula.per !== undefined ? [ind.formula.per] : [])];
    const unread = keys.filter((k) => !readable.has(k));
    if (unread.length > 0) {
      throw new JunhengError(
        `清单「${checklist.name}」的指标「${ind.name}」需要学校表格里没有的数据（${unread.join('、')}），不能用表格评估。`,
        `checklist ${checklist.id}: indicator ${id} needs fields the spreadsheet does not read: ${unread.join(', ')}`,
      );
    }
    indicators.push(ind);
  }
  return { indicators, schoolRule, balanceRule };
}

function cmpText(c: string): string {
  return c === '<=' ? '≤' : c === '>=' ? '≥' : c;
}

function percent(r: number): string {
  return `${Math.round(r * 100)}%`;
}

/** Assesses every accepted school and each stage; see CountyAssessment. */
export function assessCounty(table: SchoolTable, checklist: Checklist): CountyAssessment {
  const { indicators, schoolRule, balanceRule } = rulesOf(checklist);
  const byId = new Map(indicators.map((i) => [i.id, i]));
  const reasons: string[] = [];

  const schools: SchoolAssessment[] = table.rows.map((row) => {
    const values: Record<string, number> = {};
    const judgements: Record<string, Judgement> = {};
    const results = new Map<string, Judgement | null>();
    for (const ind of indicators) {
      const v = indicatorValue(ind, row.answers);
      const j = v === null ? null : judge(ind, v, row.stage);
      if (v !== null) values[ind.id] = v;
      if (j) judgements[ind.id] = j;
      results.set(ind.id, j);
    }
    const r = applySchoolRule(schoolRule, results);
    const passed = schoolRule.indicatorIds.filter((id) => results.get(id)?.pass === true);
    if (r.verdict === 'incomplete') {
      reasons.push(`${row.name}（第 ${row.line} 行）有指标无法计算（${r.missing.map((id) => byId.get(id)?.name ?? id).join('、')}），按未达标处理。`);
    }
    return {
      line: row.line,
      name: row.name,
      stage: row.stage,
      students: row.answers['students'] ?? 0,
      indicators: values,
      judgements,
      passed,
      failed: r.failed,
      belowFloor: r.belowFloor,
      verdict: r.verdict === 'met' ? 'met' : 'not-met',
    };
  });

  const ruleText = `${schoolRule.indicatorIds.length} 项中至少 ${schoolRule.minMet} 项达标，其余不低于标准的 ${percent(schoolRule.floorRatio)}`;
  const stages: StageBalance[] = [];
  for (const stage of STAGES) {
    const stageSchools = schools.filter((s) => s.stage === stage);
    if (stageSchools.length === 0) continue;
    const cv: Record<string, number | null> = {};
    for (const id of balanceRule.indicatorIds) {
      const points = stageSchools.flatMap((s) => {
        const value = s.indicators[id];
        return value === undefined ? [] : [{ value, students: s.students }];
      });
      cv[id] = points.length === stageSchools.length ? weightedCV(points) : null;
    }
    const result = applyBalanceRule(balanceRule, cv, stage);
    const limit = balanceRule.limits[stage]!;
    stages.push({
      stage,
      schools: stageSchools.length,
      students: stageSchools.reduce((a, s) => a + s.students, 0),
      cv,
      limit,
      failing: result.failing,
      verdict: result.verdict === 'met' ? 'met' : 'not-met',
    });

    const notMet = stageSchools.filter((s) => s.verdict === 'not-met');
    if (notMet.length > 0) {
      reasons.push(`${STAGE_NAMES[stage]}有 ${notMet.length} 所学校未达到单校标准（${ruleText}）：${notMet.map((s) => s.name).join('、')}。`);
    }
    for (const id of result.failing) {
      reasons.push(
        `${STAGE_NAMES[stage]}「${byId.get(id)?.name ?? id}」的校际差异系数 ${cvText(cv[id]!, balanceRule.comparator, limit, false)}，超过标准 ${cmpText(balanceRule.comparator)} ${formatValue(limit, { fixed: true })}。`,
      );
    }
    if (result.verdict === 'incomplete') {
      const unknown = balanceRule.indicatorIds.filter((id) => cv[id] === null).map((id) => byId.get(id)?.name ?? id);
      reasons.push(`${STAGE_NAMES[stage]}「${unknown.join('」「')}」的差异系数无法计算（各校该项平均为 0），校际均衡按未达标处理。`);
    }
  }

  if (table.rejected.length > 0) {
    reasons.push(
      `有 ${table.rejected.length} 行数据有误，未参与评估（${table.rejected.map((r) => `第 ${r.line} 行`).join('、')}）；改正后请重新评估，在此之前不能判定全县达标。`,
    );
  }
  if (schools.length === 0) reasons.push('表格中没有一所学校的数据可用。');

  const warnings: TableWarning[] = [
    ...table.warnings,
    ...table.rows.flatMap((r) => r.warnings.map((message) => ({ line: r.line, name: r.name, message }))),
  ].sort((a, b) => a.line - b.line);

  return {
    checklistId: checklist.id,
    fileName: table.fileName,
    schools,
    stages,
    verdict: reasons.length === 0 ? 'met' : 'not-met',
    reasons,
    rejectedRows: table.rejected,
    warnings,
  };
}

/** The CLI's --json shape (full-precision numbers). */
export function countyJson(a: CountyAssessment): CountyJson {
  const cv: CountyJson['cv'] = {};
  const balance: CountyJson['balance'] = {};
  for (const s of a.stages) {
    const name = STAGE_NAMES[s.stage] as StageName;
    cv[name] = s.cv;
    balance[name] = s.verdict;
  }
  return {
    schools: a.schools.map((s) => ({
      name: s.name,
      stage: STAGE_NAMES[s.stage] as StageName,
      line: s.line,
      indicators: s.indicators,
      passed: s.passed,
      failed: s.failed,
      verdict: s.verdict,
    })),
    cv,
    balance,
    verdict: a.verdict,
    reasons: a.reasons,
    rejectedRows: a.rejectedRows.map((r) => ({ line: r.line, name: r.name ?? '', reasons: r.reasons })),
    warnings: a.warnings,
  };
}

// ---- text report (phone-width: about 42 columns) ----

/** Two-character labels so that seven values fit on one phone line. */
const SHORT: Record<string, string> = {
  high_edu: '学历',
  backbone: '骨干',
  pe_art: '体艺',
  room: '用房',
  sport: '场馆',
  equip: '仪器',
  media: '媒体',
};

function shortLabel(ind: NumericIndicator): string {
  return SHORT[ind.id] ?? ind.name.slice(0, 2);
}

/** Display width: CJK and full-width characters count 2. */
function width(s: string): number {
  let w = 0;
  for (const ch of s) w += /[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]/u.test(ch) ? 2 : 1;
  return w;
}

function padStart(s: string, w: number): string {
  return ' '.repeat(Math.max(0, w - width(s))) + s;
}

/**
 * A table cell by the shared rule (format.ts): 2016.95 → "2017", 5.1351 →
 * "5.14" (whole numbers from 100 up so that seven columns fit a phone, two
 * decimals below), rounded half up; a failing value that would round onto its
 * threshold gets one more decimal (4.497 against ≥ 4.5 → "4.497").
 */
export function displayValue(v: number, judged?: { threshold: number; comparator: Comparator; pass: boolean }): string {
  return formatValue(v, { digits: Math.abs(v) >= 100 ? 0 : 2, fixed: true, ...(judged ? { judged } : {}) });
}

/** A 差异系数 with three decimals, never rounded across its limit. */
function cvText(cv: number, comparator: Comparator, limit: number, pass: boolean): string {
  return formatValue(cv, { digits: 3, fixed: true, judged: { threshold: limit, comparator, pass } });
}

const CELL = 5;

/** Cells right-aligned in CELL columns; a wider one (a failing 4.497) keeps a space before it so that it never runs into its neighbour. */
function valueRow(cells: { text: string; fail: boolean }[]): string {
  return cells.map((c) => padStart(c.text, Math.max(CELL, width(c.text) + 1)) + (c.fail ? '*' : ' ')).join('').trimEnd();
}

/**
 * A readable Chinese county report for a narrow terminal or chat: per stage a
 * compact table (failed values marked *), the 差异系数 with the limit, then the
 * county verdict with reasons, the rejected rows and the warnings.
 */
export function countyReportText(a: CountyAssessment, checklist: Checklist): string {
  const { indicators, schoolRule, balanceRule } = rulesOf(checklist);
  const schoolInds = schoolRule.indicatorIds.map((id) => indicators.find((i) => i.id === id)!);
  const out: string[] = [];
  out.push(`县域评估：${checklist.name}`);
  out.push(`文件 ${a.fileName}：${a.schools.length} 所学校参与评估${a.rejectedRows.length > 0 ? `，${a.rejectedRows.length} 行有误未计入` : ''}`);
  out.push(`单校标准：${schoolInds.length} 项中至少 ${schoolRule.minMet} 项达标，其余不低于标准的 ${percent(schoolRule.floorRatio)}`);
  out.push('');
  out.push('指标：');
  for (const ind of schoolInds) out.push(`  ${shortLabel(ind)}＝${ind.name}（${ind.unit}）`);

  const header = valueRow(schoolInds.map((i) => ({ text: shortLabel(i), fail: false })));
  for (const st of a.stages) {
    const name = STAGE_NAMES[st.stage];
    out.push('');
    out.push(`【${name}】${st.schools} 所，在校生 ${st.students} 人`);
    out.push(header);
    out.push(`标准（${name}）`);
    out.push(valueRow(schoolInds.map((i) => ({ text: displayValue(i.thresholds[st.stage] ?? NaN), fail: false }))));
    for (const s of a.schools.filter((x) => x.stage === st.stage)) {
      const verdict = s.verdict === 'met' ? '达标' : '未达标';
      out.push(`${s.name}  ${s.passed.length}/${schoolInds.length} 项 · ${verdict}`);
      out.push(
        valueRow(
          schoolInds.map((i) => {
            const v = s.indicators[i.id];
            const j = s.judgements[i.id];
            const fail = j?.pass !== true;
            const judged = j ? { threshold: j.threshold, comparator: i.comparator, pass: j.pass } : undefined;
            return { text: v === undefined ? '—' : displayValue(v, judged), fail };
          }),
        ),
      );
    }
    out.push(`差异系数（按在校生数加权，标准 ${cmpText(balanceRule.comparator)} ${formatValue(st.limit, { fixed: true })}）`);
    const cvInds = balanceRule.indicatorIds.map((id) => indicators.find((i) => i.id === id)!);
    const items = cvInds.map((i) => {
      const v = st.cv[i.id];
      const ok = v !== null && v !== undefined && !st.failing.includes(i.id);
      return `${shortLabel(i)} ${v === null || v === undefined ? '—' : cvText(v, balanceRule.comparator, st.limit, ok)} ${ok ? '达标' : '未达标'}`;
    });
    for (let k = 0; k < items.length; k += 2) out.push(`  ${items.slice(k, k + 2).join('   ')}`);
    out.push(`${name}校际均衡：${st.verdict === 'met' ? '达标' : '未达标'}`);
  }
  if (a.stages.length > 0) out.push('（* 表示该项未达到标准。数值四舍五入；未达标的数若四舍五入后会等于标准，就多显示一位小数。）');

  out.push('');
  const cites = [...new Set([citeRule(schoolRule.source), citeRule(balanceRule.source)])].join('；');
  out.push(`县域结论：${a.verdict === 'met' ? '达标' : '未达标'}（依据：${cites}）`);
  for (const r of a.reasons) out.push(`· ${r}`);

  if (a.rejectedRows.length > 0) {
    out.push('');
    out.push('有误的行（未参与评估）：');
    for (const r of a.rejectedRows) out.push(`第 ${r.line} 行 ${r.name ?? '（无校名）'}：${r.reasons.join('；')}`);
  }
  if (a.warnings.length > 0) {
    out.push('');
    out.push('提示：');
    for (const w of a.warnings) out.push(`第 ${w.line} 行 ${w.name}：${w.message}`);
  }
  return out.join('\n');
}
