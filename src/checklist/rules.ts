/**
 * Pure checklist arithmetic: indicator values, threshold verdicts, the 优质均衡
 * 单校规则 (6 of 7, the rest ≥ 85 %) and student-weighted 差异系数. No I/O, no
 * rounding: values are computed in full precision and rounded only for display.
 *
 * Comparisons use a relative tolerance of 1e-9 so that decimal inputs (万元,
 * 平方米 with decimals) that land exactly on a threshold are not failed by binary
 * floating-point error (e.g. 0.85 × 2.3 = 1.9549999999999998). That is an
 * equality tolerance, not rounding: 0.8499 is still below 0.85.
 */
import { JunhengError } from '../errors.js';
import type { BalanceRule, Comparator, NumericIndicator, SchoolRule, Stage } from './types.js';
import { STAGE_NAMES } from './types.js';

const REL_EPS = 1e-9;

/** -1, 0 or 1: a compared with b, treating values within 1e-9 (relative) as equal. */
function compareWithTolerance(a: number, b: number): -1 | 0 | 1 {
  const tol = REL_EPS * Math.max(1, Math.abs(a), Math.abs(b));
  if (Math.abs(a - b) <= tol) return 0;
  return a < b ? -1 : 1;
}

/** Whether `value comparator limit` holds (with the equality tolerance above). */
export function compare(value: number, comparator: Comparator, limit: number): boolean {
  const c = compareWithTolerance(value, limit);
  switch (comparator) {
    case '>=':
      return c >= 0;
    case '<=':
      return c <= 0;
    case '>':
      return c > 0;
    case '<':
      return c < 0;
  }
}

/**
 * value = (Σ `sum` inputs) ÷ (per, or ⌈per ÷ perCeilDiv⌉) × scale.
 * Null when an input is missing or not a finite number, or the divisor is 0.
 * Multiplies by `scale` before dividing so that exact cases stay exact
 * (10 × 100 ÷ 1000 = 1, not 1.0000000000000002).
 */
export function indicatorValue(ind: NumericIndicator, answers: Readonly<Record<string, number>>): number | null {
  const f = ind.formula;
  let total = 0;
  for (const key of f.sum) {
    const v = answers[key];
    if (typeof v !== 'number' || !Number.isFinite(v)) return null;
    total += v;
  }
  const scaled = total * (f.scale ?? 1);
  if (f.per === undefined) return scaled;
  const per = answers[f.per];
  if (typeof per !== 'number' || !Number.isFinite(per)) return null;
  const divisor = f.perCeilDiv !== undefined ? Math.ceil(per / f.perCeilDiv) : per;
  if (divisor === 0 || !Number.isFinite(divisor)) return null;
  const value = scaled / divisor;
  return Number.isFinite(value) ? value : null;
}

export interface Judgement {
  threshold: number;
  pass: boolean;
  /** value ÷ threshold (for "≥" items: the share of the standard reached). */
  ratio: number;
}

/** The indicator's threshold for the stage (or 'county') and whether the value meets it; null when there is none. */
export function judge(ind: NumericIndicator, value: number, stage: Stage | 'county'): Judgement | null {
  const threshold = ind.thresholds[stage];
  if (threshold === undefined) return null;
  return { threshold, pass: compare(value, ind.comparator, threshold), ratio: value / threshold };
}

export interface SchoolRuleResult {
  verdict: 'met' | 'not-met' | 'incomplete';
  /** Indicators that pass. */
  met: number;
  /** Indicators with a result that do not pass, in rule order. */
  failed: string[];
  /** Failed indicators whose ratio is below `floorRatio`. */
  belowFloor: string[];
  /** Indicators of the rule without a result (no data or no threshold). */
  missing: string[];
}

/**
 * 单校规则: "met" iff at least `minMet` indicators pass and every failing one
 * reaches `floorRatio` of its threshold. "not-met" as soon as that is impossible
 * whatever the missing indicators turn out to be; "incomplete" otherwise.
 */
export function applySchoolRule(
  rule: SchoolRule,
  results: ReadonlyMap<string, { pass: boolean; ratio: number } | null | undefined>,
): SchoolRuleResult {
  let met = 0;
  const failed: string[] = [];
  const belowFloor: string[] = [];
  const missing: string[] = [];
  for (const id of rule.indicatorIds) {
    const r = results.get(id);
    if (r === null || r === undefined) {
      missing.push(id);
    } else if (r.pass) {
      met += 1;
    } else {
      failed.push(id);
      if (compareWithTolerance(r.ratio, rule.floorRatio) < 0) belowFloor.push(id);
    }
  }
  let verdict: SchoolRuleResult['verdict'];
  if (belowFloor.length > 0 || met + missing.length < rule.minMet) verdict = 'not-met';
  else if (missing.length > 0) verdict = 'incomplete';
  else verdict = 'met';
  return { verdict, met, failed, belowFloor, missing };
}

/** The student-weighted mean X̄, standard deviation S and 差异系数 CV = S ÷ X̄ of a stage's schools. */
export interface WeightedStats {
  students: number;
  mean: number;
  sd: number;
  cv: number;
}

/**
 * X̄ = ΣPiXi ÷ P, S = √(ΣPi(Xi − X̄)² ÷ P), CV = S ÷ X̄. Null for no points,
 * no students, a non-finite input or X̄ = 0.
 */
export function weightedStats(points: ReadonlyArray<{ value: number; students: number }>): WeightedStats | null {
  if (points.length === 0) return null;
  let p = 0;
  let px = 0;
  for (const { value, students } of points) {
    if (!Number.isFinite(value) || !Number.isFinite(students) || students < 0) return null;
    p += students;
    px += students * value;
  }
  if (p === 0) return null;
  const mean = px / p;
  if (mean === 0) return null;
  let ss = 0;
  for (const { value, students } of points) ss += students * (value - mean) ** 2;
  const sd = Math.sqrt(ss / p);
  const cv = sd / mean;
  return Number.isFinite(cv) ? { students: p, mean, sd, cv } : null;
}

/** Student-weighted 差异系数 (see weightedStats). */
export function weightedCV(points: ReadonlyArray<{ value: number; students: number }>): number | null {
  return weightedStats(points)?.cv ?? null;
}

/** CV = S ÷ X̄ from a weighted mean and standard deviation already worked out; null when X̄ is 0 or either is not a number. */
export function cvFromMoments(mean: number, sd: number): number | null {
  if (!Number.isFinite(mean) || !Number.isFinite(sd) || mean === 0 || sd < 0) return null;
  return sd / mean;
}

export interface BalanceRuleResult {
  verdict: 'met' | 'not-met' | 'incomplete';
  /** For aggregate 'mean': the mean of the CVs (综合差异系数) when all are known. */
  value?: number;
  /**
   * Indicators whose own CV fails the limit. For 'each' they decide the verdict;
   * for 'mean' only the mean counts and this list just shows which items pull it up.
   */
  failing: string[];
}

/**
 * 校际差异系数 rule for one stage. 'each': every CV must meet the limit;
 * 'mean': the mean of the CVs must. Missing CVs give "incomplete" unless the
 * outcome is already decided (a failing CV for 'each'; for 'mean' with an upper
 * limit, the known CVs alone — CVs are never negative — already failing it).
 * Throws if the rule has no limit for the stage (a definition error).
 */
export function applyBalanceRule(
  rule: BalanceRule,
  cvByIndicator: Readonly<Record<string, number | null | undefined>>,
  stage: Stage,
): BalanceRuleResult {
  const limit = rule.limits[stage];
  if (limit === undefined) {
    throw new JunhengError(
      `这份清单没有规定${STAGE_NAMES[stage]}的差异系数标准，无法判断校际均衡。`,
      `balance rule has no limit for stage ${stage}`,
    );
  }
  const failing: string[] = [];
  const known: number[] = [];
  let missing = 0;
  for (const id of rule.indicatorIds) {
    const cv = cvByIndicator[id];
    if (cv === null || cv === undefined || !Number.isFinite(cv)) {
      missing += 1;
      continue;
    }
    known.push(cv);
    if (!compare(cv, rule.comparator, limit)) failing.push(id);
  }
  if (rule.aggregate === 'each') {
    const verdict = failing.length > 0 ? 'not-met' : missing > 0 ? 'incomplete' : 'met';
    return { verdict, failing };
  }
  const n = rule.indicatorIds.length;
  const sum = known.reduce((a, b) => a + b, 0);
  if (missing > 0) {
    const upper = rule.comparator === '<' || rule.comparator === '<=';
    const lowerBound = sum / n;
    const decided = upper && !compare(lowerBound, rule.comparator, limit);
    return { verdict: decided ? 'not-met' : 'incomplete', failing };
  }
  const mean = sum / n;
  return { verdict: compare(mean, rule.comparator, limit) ? 'met' : 'not-met', value: mean, failing };
}
