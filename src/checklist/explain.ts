/**
 * What the checklist data says about an indicator question, as facts each
 * carrying its source: the standard per stage, the requirement computed from
 * the asker's own figures, a verdict on the asker's value under the 单校规则,
 * a 差异系数 against its limit. Every figure comes from the data or from the
 * rule code (rules.ts), never from here. Pure.
 */
import type { Fact } from '../answer/types.js';
import { formatValue } from './format.js';
import type { FigureKind, NamedIndicator } from './indicatorNames.js';
import type { Figure, IndicatorQuestion } from './question.js';
import { citeRule } from './report.js';
import { applyBalanceRule, compare, cvFromMoments, indicatorValue, judge, weightedStats } from './rules.js';
import { STAGE_NAMES, type Checklist, type Comparator, type Indicator, type NumericIndicator, type SourceRef, type Stage } from './types.js';

const COMPARATOR_WORDS: Record<Comparator, string> = { '>=': '不少于', '<=': '不超过', '>': '高于', '<': '低于' };
const fmt = (n: number) => formatValue(n);

function fact(text: string, source: SourceRef | null, unverified: boolean, standard = true): Fact {
  return { text, source: source ? citeRule(source) : null, unverified, ...(standard ? {} : { noStandard: true }) };
}

/** Where an unverified figure really comes from: the note's sentence that says so. */
const UNVERIFIED_REASON = /未经核实|只见于|没有读到|未读到|没有找到/u;

/** A standard stated from an unverified item or rule comes with the data's reason, not only a generic warning. */
function withWhy(f: Fact, item: { unverified: boolean; note?: string | undefined }): Fact {
  if (!item.unverified || !item.note) return f;
  const why = item.note.match(/[^。]+。?/gu)?.find((sentence) => UNVERIFIED_REASON.test(sentence));
  return why ? { ...f, unverifiedWhy: why } : f;
}

/** 小学、初中 when both stages are asked and have the same standard, each stage otherwise. */
function stageGroups(ind: NumericIndicator, stages: readonly Stage[]): { stages: Stage[]; label: string }[] {
  const withValue = stages.filter((s) => ind.thresholds[s] !== undefined);
  if (withValue.length > 1 && withValue.every((s) => ind.thresholds[s] === ind.thresholds[withValue[0]!])) {
    return [{ stages: withValue, label: withValue.map((s) => STAGE_NAMES[s]).join('、') }];
  }
  return withValue.map((s) => ({ stages: [s], label: STAGE_NAMES[s] }));
}

function standardLine(ind: NumericIndicator, stages: readonly Stage[]): string | null {
  const words = COMPARATOR_WORDS[ind.comparator];
  if (ind.thresholds.county !== undefined) return `全县${words} ${fmt(ind.thresholds.county)} ${ind.unit}`;
  const parts = stageGroups(ind, stages).map((g) => `${g.label}${g.stages.length > 1 ? '都' : ''}${words} ${fmt(ind.thresholds[g.stages[0]!]!)} ${ind.unit}`);
  return parts.length > 0 ? parts.join('，') : null;
}

/** Which of the asker's counts a formula divides by: a field of students (在校学生数, 特殊教育学校在校学生数) or of classes. */
function countedBy(checklist: Checklist, key: string): 'students' | 'classes' | null {
  if (key === 'classes') return 'classes';
  const field = checklist.fields.find((x) => x.key === key);
  return field && field.unit === '人' && field.name.includes('学生') ? 'students' : null;
}

/** The unit the indicator's value is in, without its divisor: 平方米/生 → 平方米, 元/生·年 → 元. */
const valueUnit = (ind: NumericIndicator) => ind.unit.split('/')[0]!;
/** The checklist unit of a raw field: 万元 is 元 × 10000. */
const fieldUnit = (unit: string) => (unit === '万元' ? { unit: '元', factor: 10000 } : { unit, factor: 1 });

interface Given {
  value: number;
  /** How the value was worked out from the asker's figures, or null when they gave it. */
  how: string | null;
}

/** 26 个班 in blocks of 12, in words a phone shows well (no ⌈⌉): 3（26 个班 ÷ 12，向上取整）. */
const blocks = (classes: number, size: number) => `${Math.ceil(classes / size)}（${fmt(classes)} 个班 ÷ ${size}，向上取整）`;

/** The asker's value of the indicator: given outright (生均 6.2 平), or worked out by the rule code from their raw figures. */
function givenValue(checklist: Checklist, ind: NumericIndicator, figures: readonly Figure[], rate: boolean): Given | null {
  const f = ind.formula;
  const unit = valueUnit(ind);
  if (!f.per) {
    const v = figures.find((x) => x.unit === unit);
    return v ? { value: v.value, how: null } : null;
  }
  if (unit === '%') {
    const pct = figures.find((x) => x.unit === '%');
    if (pct) return { value: pct.value, how: null };
    // 初一进来600人，到初三剩566: a bare number counts the same things as the other one.
    const counts = figures.filter((x) => x.kind !== 'classes' && x.value >= 1);
    const units = new Set(counts.map((x) => x.unit).filter((u) => u !== null));
    if (counts.length !== 2 || units.size > 1) return null;
    const [part, whole] = counts[0]!.value <= counts[1]!.value ? [counts[0]!, counts[1]!] : [counts[1]!, counts[0]!];
    const value = indicatorValue(ind, { [f.sum[0]!]: part.value, [f.per]: whole.value });
    return value === null ? null : { value, how: `${fmt(part.value)} ÷ ${fmt(whole.value)} × 100` };
  }
  const perKind = countedBy(checklist, f.per);
  const per = perKind ? figures.find((x) => x.kind === perKind) : undefined;
  const field = checklist.fields.find((x) => x.key === f.sum[0]);
  if (per && field && f.sum.length === 1) {
    const { unit: rawUnit, factor } = fieldUnit(field.unit);
    const amount = figures.find((x) => x !== per && x.kind === null && x.unit === rawUnit);
    if (!amount) return null;
    const raw = amount.value / factor;
    const value = indicatorValue(ind, { [f.sum[0]!]: raw, [f.per]: per.value });
    const divisor = f.perCeilDiv !== undefined ? blocks(per.value, f.perCeilDiv) : fmt(per.value);
    return value === null ? null : { value, how: `${fmt(raw)} ÷ ${divisor}${f.scale && f.scale !== 1 ? ` × ${fmt(f.scale)}` : ''}` };
  }
  if (!rate) return null;
  // 生均仪器2600够不够: a lone bare number said with the rate is its value.
  const lone = figures.length === 1 && figures[0]!.kind === null && figures[0]!.unit === null ? figures[0] : undefined;
  const v = figures.find((x) => x.kind === null && x.unit === unit) ?? lone;
  return v ? { value: v.value, how: null } : null;
}

/**
 * The least raw figure that meets the standard for the asker's students,
 * classes or total (a share of 420 new pupils): the threshold turned back
 * through the formula, rounded up for whole things, and checked with the
 * rule code itself.
 */
function requirement(checklist: Checklist, ind: NumericIndicator, stage: Stage | 'county', figures: readonly Figure[], label = stage === 'county' ? '' : STAGE_NAMES[stage]): Fact | null {
  const f = ind.formula;
  const threshold = ind.thresholds[stage];
  if (threshold === undefined || f.sum.length !== 1 || !f.per || (ind.comparator !== '>=' && ind.comparator !== '>')) return null;
  const field = checklist.fields.find((x) => x.key === f.sum[0]);
  const perField = checklist.fields.find((x) => x.key === f.per);
  if (!field) return null;
  let per: number | undefined;
  let perText = '';
  const perKind = countedBy(checklist, f.per);
  if (perKind) {
    per = figures.find((x) => x.kind === perKind)?.value;
    perText = perKind === 'students' ? ` ${fmt(per ?? 0)} 名学生` : ` ${fmt(per ?? 0)} 个班`;
  } else if (valueUnit(ind) === '%' && perField && !figures.some((x) => x.unit === '%')) {
    const { unit, factor } = fieldUnit(perField.unit);
    const totals = figures.filter((x) => x.unit === unit && x.kind !== 'classes').map((x) => x.value / factor);
    if (totals.length > 0) per = Math.max(...totals);
    perText = `${perField.name} ${fmt(per ?? 0)} ${perField.unit}`;
  }
  // 800个学生，音乐教室要几间: the item counts per class, the asker gave students. Say what is needed, compute nothing.
  const given = perKind && per === undefined ? figures.find((x) => x.kind !== perKind && (x.kind === 'students' || x.kind === 'classes')) : undefined;
  if (perKind && given) {
    const basis = (k: FigureKind) => (k === 'classes' ? '班级数' : '学生数');
    return fact(`${label ? `${label}的` : ''}这一项按${basis(perKind)}算，您给的是${basis(given.kind!)}（${fmt(given.value)}）；告诉我${basis(perKind)}，我可以算出至少要多少`, null, false, false);
  }
  if (per === undefined || per <= 0) return null;
  const divisor = f.perCeilDiv !== undefined ? Math.ceil(per / f.perCeilDiv) : per;
  const scale = f.scale ?? 1;
  let needed = (threshold * divisor) / scale;
  needed = field.integer ? Math.ceil(needed - 1e-9) : Number(needed.toFixed(2));
  const value = indicatorValue(ind, { [f.sum[0]!]: needed, [f.per]: per });
  if (value === null || !judge(ind, value, stage)?.pass) return null;
  const how =
    f.perCeilDiv !== undefined
      ? `每 ${f.perCeilDiv} 个班 ${fmt(threshold)} 间，不足 ${f.perCeilDiv} 个班按 ${f.perCeilDiv} 个班算：${blocks(per, f.perCeilDiv)} × ${fmt(threshold)}`
      : `${fmt(per)} × ${fmt(threshold)}${scale !== 1 ? ` ÷ ${fmt(scale)}` : ''}${field.integer ? '，向上取整' : ''}`;
  const where = label ? `${label}的` : '';
  // The county checklist names its fields for one chosen school (该校音乐专用教室数); the asker means their own.
  const what = field.name.replace(/^该校/u, '');
  return fact(`按${perText}算，${where}${what}至少 ${fmt(needed)} ${field.unit}（${how}）`, ind.source, ind.unverified || f.perCeilDiv !== undefined);
}

/** The asker's own value of the indicator against its standard, and, for the 7 school items, against the 85 % floor. */
function verdict(checklist: Checklist, ind: NumericIndicator, stage: Stage | 'county', given: Given): Fact[] {
  const { value } = given;
  const j = judge(ind, value, stage);
  if (!j) return [];
  const shown = formatValue(value, { judged: { threshold: j.threshold, comparator: ind.comparator, pass: j.pass } });
  const what = given.how ? `按您给的数算，${ind.name}是 ${given.how} = ${shown} ${ind.unit}` : `您说的 ${shown} ${ind.unit}`;
  const where = stage === 'county' ? '' : STAGE_NAMES[stage];
  // An upper limit (班额不超过 50) is kept or exceeded, a lower one reached or not.
  const upper = ind.comparator === '<=' || ind.comparator === '<';
  const outcome = upper ? (j.pass ? '没有超过' : '超过了') : j.pass ? '达到' : '没有达到';
  const out = [fact(`${what}：${outcome}${where}标准（${COMPARATOR_WORDS[ind.comparator]} ${fmt(j.threshold)}）`, ind.source, ind.unverified)];
  const rule = checklist.schoolRule;
  if (!j.pass && rule && rule.indicatorIds.includes(ind.id) && (ind.comparator === '>=' || ind.comparator === '>')) {
    const floor = j.threshold * rule.floorRatio;
    const aboveFloor = compare(value, '>=', floor);
    out.push(
      fact(
        `这一项的底线是标准的 ${fmt(rule.floorRatio * 100)}%：${fmt(j.threshold)} × ${fmt(rule.floorRatio)} = ${formatValue(floor, { digits: 4 })} ${ind.unit}。` +
          (aboveFloor
            ? `您的数高于底线：如果其余 ${rule.indicatorIds.length - 1} 项都达标，这所学校仍然合格（${rule.description}）`
            : `您的数低于底线：这所学校不合格（${rule.description}）`),
        rule.source,
        false,
      ),
    );
  }
  return out;
}

/** The 单校规则's floor for each stage: what the one failing item may not fall below. */
function floors(checklist: Checklist, ind: NumericIndicator, stages: readonly (Stage | 'county')[]): Fact[] {
  const rule = checklist.schoolRule;
  if (!rule || !rule.indicatorIds.includes(ind.id) || ind.comparator !== '>=') return [];
  const parts = stages.flatMap((s) => (s === 'county' || ind.thresholds[s] === undefined ? [] : [`${STAGE_NAMES[s]} ${fmt(ind.thresholds[s]!)} × ${fmt(rule.floorRatio)} = ${formatValue(ind.thresholds[s]! * rule.floorRatio, { digits: 4 })} ${ind.unit}`]));
  return parts.length > 0 ? [fact(`只有这一项没达标时，它的底线是标准的 ${fmt(rule.floorRatio * 100)}%：${parts.join('；')}（${rule.description}）`, rule.source, false)] : [];
}

function balanceFacts(checklists: readonly Checklist[], q: IndicatorQuestion): Fact[] {
  return balanceChecklists(checklists, q).flatMap((c) => {
    const rule = c.balanceRule!;
    const limits = q.stages.flatMap((s) => (rule.limits[s] === undefined ? [] : [`${STAGE_NAMES[s]}${COMPARATOR_WORDS[rule.comparator]} ${fmt(rule.limits[s]!)}`]));
    const out = [withWhy(fact(`${c.name}：校际差异系数${limits.join('，')}。${rule.description}`, rule.source, rule.unverified), rule)];
    if (q.coefficient !== null) {
      for (const s of q.stages) {
        const limit = rule.limits[s];
        if (limit === undefined) continue;
        if (rule.aggregate === 'mean') {
          out.push(fact(`您说的差异系数 ${fmt(q.coefficient)}（${STAGE_NAMES[s]}）：${meanRuleLine(c, s)}`, rule.source, rule.unverified));
          continue;
        }
        const ok = compare(q.coefficient, rule.comparator, limit);
        out.push(fact(`您说的差异系数 ${fmt(q.coefficient)}（${STAGE_NAMES[s]}）：${ok ? '在上限以内' : `超过上限 ${fmt(limit)}，不符合要求`}`, rule.source, rule.unverified));
      }
    }
    return out;
  });
}

/** The checklists whose 差异系数 rule the question is about: the named indicators', else the named evaluations', else all. */
function balanceChecklists(checklists: readonly Checklist[], q: IndicatorQuestion): Checklist[] {
  const named = new Set(q.indicators.length > 0 ? q.indicators.map((n) => n.checklist.id) : q.programs);
  return checklists.filter((c) => c.balanceRule && (named.size === 0 || named.has(c.id)));
}

/** The asker's schools as (students, value) pairs: each student count followed by the school's value (A校400人生均5平). */
function schoolPoints(figures: readonly Figure[]): { students: number; value: number }[] {
  const out: { students: number; value: number }[] = [];
  for (let i = 0; i + 1 < figures.length; i++) {
    const a = figures[i]!;
    const b = figures[i + 1]!;
    if (a.kind === 'students' && b.kind === null && b.unit !== '人') {
      out.push({ students: a.value, value: b.value });
      i++;
    }
  }
  return out;
}

/** 基本均衡: one item's coefficient is not judged; the mean of all the items is. */
function meanRuleLine(c: Checklist, s: Stage): string {
  const rule = c.balanceRule!;
  return `${c.name}：单项不单独判定，${rule.indicatorIds.length} 项的平均（综合差异系数）${STAGE_NAMES[s]}须${COMPARATOR_WORDS[rule.comparator]} ${fmt(rule.limits[s]!)}`;
}

/** A 差异系数 against each rule's limit for the stages asked. */
function judgeCoefficient(cv: number, shown: string, rules: readonly Checklist[], q: IndicatorQuestion): Fact[] {
  return rules.flatMap((c) => {
    const rule = c.balanceRule!;
    return q.stages.flatMap((s) => {
      const limit = rule.limits[s];
      if (limit === undefined) return [];
      const words = COMPARATOR_WORDS[rule.comparator];
      // 基本均衡 judges the mean of its 8 items (综合差异系数), never one item's coefficient alone.
      if (rule.aggregate === 'mean') return [fact(meanRuleLine(c, s), rule.source, rule.unverified)];
      const ok = compare(cv, rule.comparator, limit);
      return [fact(`${c.name}：逐项判定，${STAGE_NAMES[s]}每项须${words} ${fmt(limit)}，${shown}${ok ? '符合要求' : '不符合要求'}`, rule.source, rule.unverified)];
    });
  });
}

/**
 * The 差异系数 worked out from what the asker gives, by the rule code: the
 * schools' students and values (weighted X̄, S, CV), a mean and standard
 * deviation already worked out (CV = S ÷ X̄), or the single items' 差异系数
 * (综合 = their mean). Null when the question gives none of these.
 */
function coefficientFacts(checklists: readonly Checklist[], q: IndicatorQuestion): Fact[] | null {
  if (!q.balanceAsked) return null;
  const rules = balanceChecklists(checklists, q);
  if (rules.length === 0) return null;
  const d3 = (n: number) => formatValue(n, { digits: 3 });
  const points = schoolPoints(q.figures);
  if (points.length >= 2) {
    const stats = weightedStats(points);
    if (!stats) return null;
    const mean = `X̄ = (${points.map((p) => `${fmt(p.students)}×${fmt(p.value)}`).join(' + ')}) ÷ ${fmt(stats.students)} = ${d3(stats.mean)}`;
    const sd = `S = √[(${points.map((p) => `${fmt(p.students)}×(${fmt(p.value)}−${d3(stats.mean)})²`).join(' + ')}) ÷ ${fmt(stats.students)}] = ${d3(stats.sd)}`;
    const cv = `CV = S ÷ X̄ = ${d3(stats.sd)} ÷ ${d3(stats.mean)} = ${d3(stats.cv)}`;
    return [fact(`按在校生数加权：${mean}；${sd}；${cv}`, null, false), ...judgeCoefficient(stats.cv, `${d3(stats.cv)} `, rules, q)];
  }
  if (q.moments) {
    const cv = cvFromMoments(q.moments.mean, q.moments.sd);
    if (cv === null) return null;
    return [fact(`CV = S ÷ X̄ = ${fmt(q.moments.sd)} ÷ ${fmt(q.moments.mean)} = ${d3(cv)}`, null, false), ...judgeCoefficient(cv, `${d3(cv)} `, rules, q)];
  }
  if (q.coefficients.length >= 2) {
    const out: Fact[] = [];
    for (const c of rules) {
      const rule = c.balanceRule!;
      if (rule.aggregate !== 'mean' || rule.indicatorIds.length !== q.coefficients.length) continue;
      const byId = Object.fromEntries(rule.indicatorIds.map((id, i) => [id, q.coefficients[i]!]));
      for (const s of q.stages) {
        if (rule.limits[s] === undefined) continue;
        const r = applyBalanceRule(rule, byId, s);
        if (r.value === undefined) continue;
        const sum = q.coefficients.reduce((a, b) => a + b, 0);
        out.push(
          fact(
            `${c.name}：综合差异系数是 ${q.coefficients.length} 项的算术平均 (${q.coefficients.map(fmt).join(' + ')}) ÷ ${q.coefficients.length} = ${fmt(sum)} ÷ ${q.coefficients.length} = ${d3(r.value)}；${STAGE_NAMES[s]}须${COMPARATOR_WORDS[rule.comparator]} ${fmt(rule.limits[s]!)}，${r.verdict === 'met' ? '符合要求' : '不符合要求'}`,
            rule.source,
            rule.unverified,
          ),
        );
      }
    }
    for (const c of rules) {
      const rule = c.balanceRule!;
      if (rule.aggregate !== 'each') continue;
      for (const s of q.stages) {
        const limit = rule.limits[s];
        if (limit === undefined) continue;
        const over = q.coefficients.filter((v) => !compare(v, rule.comparator, limit));
        out.push(fact(`${c.name}：逐项比较，${STAGE_NAMES[s]}每项须${COMPARATOR_WORDS[rule.comparator]} ${fmt(limit)}，${over.length > 0 ? `${over.map(fmt).join('、')} 超过上限，不符合要求` : '您给的每一项都符合要求'}`, rule.source, rule.unverified));
      }
    }
    return out.length > 0 ? out : null;
  }
  return null;
}

/** 初中比小学高多少: the two stages' standards and their difference, when both are in the data. */
function differenceFact(ind: NumericIndicator): Fact | null {
  const p = ind.thresholds.primary;
  const j = ind.thresholds.junior;
  if (p === undefined || j === undefined || p === j) return null;
  const [hi, lo] = j > p ? (['junior', 'primary'] as const) : (['primary', 'junior'] as const);
  const diff = formatValue(Math.abs(j - p), { digits: 4 });
  return fact(`${STAGE_NAMES[hi]}比${STAGE_NAMES[lo]}高 ${diff} ${ind.unit}（${fmt(ind.thresholds[hi]!)} − ${fmt(ind.thresholds[lo]!)}）`, ind.source, ind.unverified);
}

/** The items of each part asked for, in checklist order, with the article they share. */
function partFacts(q: IndicatorQuestion): Fact[] {
  return q.parts.map((p) => {
    const items = p.checklist.indicators.filter((i) => i.source.location.startsWith(p.location));
    const source = items[0] ? { ...items[0].source, location: p.location || items[0].source.location } : null;
    const names = items.map((i) => `${i.name}${i.unverified ? '（未核实）' : ''}`);
    return fact(`${p.title}（清单里的 ${items.length} 个条目）：${names.join('；')}`, source, false);
  });
}

/** A 一票否决 item named: what it means, and every such item the data lists. */
function vetoFacts(checklists: readonly Checklist[], q: IndicatorQuestion): Fact[] {
  if (q.vetoes.length === 0) return [];
  const all = checklists.flatMap((c) => c.indicators.filter((i) => i.veto));
  const named = q.vetoes.filter((v) => v.indicator.kind === 'boolean');
  const names = named.map((v) => `「${v.indicator.name}」`).join('、');
  // Whether the source itself lists it could not be read: the checklist's listing is no answer to 是不是一票否决.
  const lead = named.length === 0
    ? '一票否决：下列任何一项做不到，全县不能通过优质均衡认定。'
    : vetoUnread(q)
      ? `检查清单把${names}列为一票否决项，但办法原文是否这样规定没有读到（未经核实，请以原文为准）。`
      : `${names}是一票否决项：做不到的话，全县不能通过优质均衡认定。`;
  const first = q.vetoes[0]!.indicator;
  const item = (i: Indicator) => `${i.name}${i.veto === 'unverified' ? '（是否属于一票否决未核实）' : i.unverified ? '（未核实）' : ''}`;
  // 设重点班是不是一票否决 is answered by that item's own standing, not by 社会认可度's unverified 85 % beside it.
  const unverified = (named.length > 0 ? named : q.vetoes).some((v) => v.indicator.unverified);
  return [fact(`${lead}须做到的各项：${all.map(item).join('；')}`, named[0]?.indicator.source ?? first.source, unverified)];
}

/** Every 一票否决 item the question names is one whose veto the source was not read to confirm. */
export function vetoUnread(q: IndicatorQuestion): boolean {
  const named = q.vetoes.filter((v) => v.indicator.kind === 'boolean');
  return named.length > 0 && named.every((v) => v.indicator.veto === 'unverified');
}

/**
 * An indicator's note, when the question names something the note speaks of and the standard line
 * does not (九年一贯制学校规模上限 → 一贯制学校上限是2500人): asked words of two or more characters
 * found in the note but not in the indicator's name. A note that states a limit of its own (一贯制学校
 * 上限是2500人 beside 2000) is part of the standard: it comes with it unless the question names a stage
 * (小学学校规模最多多少人 is not about 一贯制 schools).
 */
export function noteFacts(q: IndicatorQuestion, askedWords: readonly string[]): Fact[] {
  return q.indicators.slice(0, 3).flatMap(({ indicator: ind }) => {
    const note = ind.note;
    if (!note) return [];
    const speaks = askedWords.some((w) => [...w].length >= 2 && note.includes(w) && !ind.name.includes(w));
    return speaks || (!q.stageNamed && statesOtherLimit(ind, note)) ? [fact(`${ind.name}：${note}`, ind.source, ind.unverified)] : [];
  });
}

/** The note holds a number, not a year, that is neither a threshold of the indicator nor in its name. */
function statesOtherLimit(ind: NumericIndicator, note: string): boolean {
  const own = new Set(Object.values(ind.thresholds).filter((v): v is number => typeof v === 'number'));
  const named: readonly string[] = ind.name.match(/\d+(?:\.\d+)?/gu) ?? [];
  const numbers = [...note.matchAll(/(\d+(?:\.\d+)?)(?![\d.]|\s*年)/gu)].map((m) => m[1]!);
  return numbers.some((n) => !own.has(Number(n)) && !named.includes(n));
}

/** 优均的生均图书册数: the evaluation named has no such item; what the other one says of it. */
export function elsewhereFacts(checklists: readonly Checklist[], q: IndicatorQuestion): Fact[] {
  const asked = checklists.filter((c) => q.programs.includes(c.id)).map((c) => c.name.split(' · ')[0]!);
  const evaluation = [...new Set(asked)].join('、');
  return q.elsewhere.slice(0, 3).map(({ checklist, indicator: ind }) => {
    const standard = standardLine(ind, q.stages);
    const there = standard ? `${checklist.name}里的标准是：${standard}` : `${checklist.name}里也没有规定单项达标值，只用来计算校际差异系数`;
    return fact(`${evaluation}的指标里没有「${ind.name}」这一项；${there}`, checklist.balanceRule?.source ?? ind.source, ind.unverified, false);
  });
}

/** A yes/no requirement named: which evaluation asks it, whether it is a 一票否决 item, and what the self-check asks. */
function requirementFacts(q: IndicatorQuestion): Fact[] {
  const seen = new Set<string>();
  return q.requirements.flatMap(({ checklist, indicator: ind }) => {
    if (seen.has(ind.id)) return [];
    seen.add(ind.id);
    const evaluation = checklist.name.split(' · ')[0]!;
    const veto = ind.veto === 'unverified' ? '；清单按一票否决项列出，但原文是否这样规定未经核实' : ind.veto ? '；这是一票否决项，做不到全县不能通过认定' : '';
    return [withWhy(fact(`${evaluation}的要求：${ind.name}${veto}（自查时核对：${ind.question}）`, ind.source, ind.unverified), ind)];
  });
}

/** The facts answering an indicator question; empty when the data has nothing to say about it. */
export function indicatorFacts(checklists: readonly Checklist[], q: IndicatorQuestion): Fact[] {
  const computed = coefficientFacts(checklists, q);
  if (computed) return computed;
  const out: Fact[] = [...partFacts(q), ...vetoFacts(checklists, q), ...requirementFacts(q)];
  for (const { checklist, indicator: ind } of q.indicators.slice(0, 3)) {
    const standard = standardLine(ind, q.stages);
    if (!standard) {
      // 基本均衡's indicators have no national value of their own: they only enter the 差异系数.
      const rule = checklist.balanceRule;
      out.push(fact(`${ind.name}（${checklist.name}）：国家没有规定单项达标值，只用来计算校际差异系数${rule ? `（${rule.description}）` : ''}`, rule?.source ?? ind.source, rule?.unverified ?? ind.unverified, false));
      const given = q.indicators.length === 1 ? givenValue(checklist, ind, q.figures, q.rate) : null;
      if (given?.how) out.push(fact(`按您给的数算，${ind.name}是 ${given.how} = ${fmt(given.value)} ${ind.unit}（${ind.formulaText}）`, null, false));
      continue;
    }
    out.push(withWhy(fact(`${ind.name}：${standard}（${ind.formulaText}）`, ind.source, ind.unverified), ind));
    const apart = q.difference ? differenceFact(ind) : null;
    if (apart) out.push(apart);
    const stages: (Stage | 'county')[] = ind.thresholds.county !== undefined ? ['county'] : q.stageNamed ? q.stages : q.stages.filter((s) => ind.thresholds[s] !== undefined);
    const groups = ind.thresholds.county !== undefined ? [{ stage: 'county' as const, label: '' }] : stageGroups(ind, q.stages).map((g) => ({ stage: g.stages[0]!, label: g.label }));
    for (const g of groups) {
      const r = requirement(checklist, ind, g.stage, q.figures, g.label);
      if (r) out.push(r);
    }
    const given = q.indicators.length === 1 ? givenValue(checklist, ind, q.figures, q.rate) : null;
    if (given) for (const stage of stages) out.push(...verdict(checklist, ind, stage, given));
    else if (q.asksFloor) out.push(...floors(checklist, ind, stages));
  }
  if (q.coefficient !== null || (q.indicators.length === 0 && q.parts.length === 0 && q.vetoes.length === 0 && q.requirements.length === 0 && out.length === 0)) out.push(...balanceFacts(checklists, q));
  return out;
}
