import { describe, expect, it } from 'vitest';
import { JunhengError } from '../../src/errors.js';
import {
  applyBalanceRule,
  applySchoolRule,
  indicatorValue,
  judge,
  weightedCV,
} from '../../src/checklist/rules.js';
import type { BalanceRule, NumericIndicator, SchoolRule } from '../../src/checklist/types.js';
import { thrown } from '../helpers/thrown.js';

const source = { document: '县域义务教育优质均衡发展督导评估办法', number: '教督〔2017〕6号', location: '第六条' };

function numeric(over: Partial<NumericIndicator> & Pick<NumericIndicator, 'id' | 'formula'>): NumericIndicator {
  return {
    kind: 'numeric',
    name: over.id,
    level: 'school',
    source,
    unverified: false,
    unit: '',
    formulaText: '',
    thresholds: {},
    comparator: '>=',
    ...over,
  };
}

const backbone = numeric({
  id: 'backbone',
  formula: { sum: ['backbone_teachers'], per: 'students', scale: 100 },
  thresholds: { primary: 1, junior: 1 },
});
const room = numeric({ id: 'room', formula: { sum: ['room_area'], per: 'students' }, thresholds: { primary: 4.5, junior: 5.8 } });
const equip = numeric({
  id: 'equip',
  formula: { sum: ['equip_value'], per: 'students', scale: 10000 },
  thresholds: { primary: 2000, junior: 2500 },
});

describe('indicatorValue', () => {
  it('computes a per-100-student figure: 26 骨干 / 1850 students × 100 = 1.4054…', () => {
    const v = indicatorValue(backbone, { backbone_teachers: 26, students: 1850 });
    expect(v).toBeCloseTo(1.4054054054, 9);
  });

  it('computes a per-student area: 9620 ㎡ / 1850 students = 5.2 ㎡', () => {
    expect(indicatorValue(room, { room_area: 9620, students: 1850 })).toBeCloseTo(5.2, 12);
  });

  it('converts 万元 to 元 per student: 462.5 万元 × 10000 / 1850 = 2500 元', () => {
    expect(indicatorValue(equip, { equip_value: 462.5, students: 1850 })).toBe(2500);
    expect(indicatorValue(equip, { equip_value: 283.8, students: 1234 })).toBeCloseTo(2299.8379, 4);
  });

  it('gives exact values where the arithmetic is exact (10 / 1000 × 100 = 1, 4500 / 1000 = 4.5)', () => {
    expect(indicatorValue(backbone, { backbone_teachers: 10, students: 1000 })).toBe(1);
    expect(indicatorValue(room, { room_area: 4500, students: 1000 })).toBe(4.5);
  });

  it('adds several summed inputs before dividing', () => {
    const pe = numeric({ id: 'pe', formula: { sum: ['pe', 'music', 'art'], per: 'students', scale: 100 } });
    expect(indicatorValue(pe, { pe: 5, music: 3, art: 2, students: 1000 })).toBe(1);
  });

  it('divides by ⌈per / perCeilDiv⌉ (rooms per started block of 12 classes)', () => {
    const music = numeric({ id: 'music', formula: { sum: ['rooms'], per: 'classes', perCeilDiv: 12 } });
    expect(indicatorValue(music, { rooms: 2, classes: 30 })).toBeCloseTo(2 / 3, 12);
    expect(indicatorValue(music, { rooms: 1, classes: 5 })).toBe(1);
    expect(indicatorValue(music, { rooms: 3, classes: 36 })).toBe(1);
  });

  it('returns the input itself when there is no divisor', () => {
    const size = numeric({ id: 'size', formula: { sum: ['max_class'] }, comparator: '<=' });
    expect(indicatorValue(size, { max_class: 47 })).toBe(47);
  });

  it('returns null when an input is missing or not a number, and on division by zero', () => {
    expect(indicatorValue(backbone, { backbone_teachers: 10 })).toBeNull();
    expect(indicatorValue(backbone, { students: 1000 })).toBeNull();
    expect(indicatorValue(backbone, { backbone_teachers: Number.NaN, students: 1000 })).toBeNull();
    expect(indicatorValue(backbone, { backbone_teachers: 10, students: 0 })).toBeNull();
    const music = numeric({ id: 'music', formula: { sum: ['rooms'], per: 'classes', perCeilDiv: 12 } });
    expect(indicatorValue(music, { rooms: 1, classes: 0 })).toBeNull();
  });
});

describe('judge', () => {
  it('passes a value exactly on a ">=" threshold (南山镇中心小学: 骨干 1.00, 用房 4.50)', () => {
    const b = judge(backbone, indicatorValue(backbone, { backbone_teachers: 10, students: 1000 })!, 'primary');
    expect(b).toEqual({ threshold: 1, pass: true, ratio: 1 });
    const r = judge(room, indicatorValue(room, { room_area: 4500, students: 1000 })!, 'primary');
    expect(r).toEqual({ threshold: 4.5, pass: true, ratio: 1 });
  });

  it('fails a value just below the threshold and reports value ÷ threshold', () => {
    const r = judge(room, 4499 / 1000, 'primary')!;
    expect(r.pass).toBe(false);
    expect(r.ratio).toBeCloseTo(0.99978, 5);
    const j = judge(room, 4.2, 'primary')!;
    expect(j.pass).toBe(false);
    expect(j.ratio).toBeCloseTo(0.9333, 4);
  });

  it('uses the stage threshold (初中 5.8 vs 小学 4.5)', () => {
    expect(judge(room, 5.0, 'primary')!.pass).toBe(true);
    expect(judge(room, 5.0, 'junior')).toMatchObject({ threshold: 5.8, pass: false });
  });

  it('does not fail a decimal input that lands on the threshold only through binary rounding', () => {
    const ind = numeric({ id: 'x', formula: { sum: ['x'] }, thresholds: { primary: 1.955 } });
    const value = 0.85 * 2.3; // 1.9549999999999998 in binary floating point
    expect(value).toBeLessThan(1.955);
    expect(judge(ind, value, 'primary')!.pass).toBe(true);
  });

  it('applies "<=" and "<" comparators at the edge (班额 45 passes, 46 fails; 差异率 0.15 is not < 0.15)', () => {
    const classSize = numeric({ id: 'c', formula: { sum: ['m'] }, thresholds: { primary: 45, junior: 50 }, comparator: '<=' });
    expect(judge(classSize, 45, 'primary')!.pass).toBe(true);
    expect(judge(classSize, 46, 'primary')!.pass).toBe(false);
    expect(judge(classSize, 50, 'junior')!.pass).toBe(true);
    const gap = numeric({ id: 'g', level: 'county', formula: { sum: ['g'] }, thresholds: { county: 0.15 }, comparator: '<' });
    expect(judge(gap, 0.15, 'county')!.pass).toBe(false);
    expect(judge(gap, 0.149, 'county')!.pass).toBe(true);
  });

  it('returns null when the indicator has no threshold for that stage', () => {
    const cvOnly = numeric({ id: 'books', formula: { sum: ['books'], per: 'students' } });
    expect(judge(cvOnly, 12, 'primary')).toBeNull();
    expect(judge(backbone, 1.2, 'county')).toBeNull();
  });
});

const SEVEN = ['high_edu', 'backbone', 'pe_art', 'room', 'sport', 'equip', 'media'];
const schoolRule: SchoolRule = {
  indicatorIds: SEVEN,
  minMet: 6,
  floorRatio: 0.85,
  description: '7项中至少6项达标，其余不低于85%',
  source,
};
type Result = { pass: boolean; ratio: number } | null;
function results(over: Record<string, Result>): Map<string, Result> {
  return new Map(SEVEN.map((id) => [id, id in over ? over[id]! : { pass: true, ratio: 1.1 }]));
}

describe('applySchoolRule', () => {
  it('is met when all 7 pass', () => {
    expect(applySchoolRule(schoolRule, results({}))).toEqual({
      verdict: 'met',
      met: 7,
      failed: [],
      belowFloor: [],
      missing: [],
    });
  });

  it('is met with 6 of 7 when the failing one is exactly at the 85 % floor', () => {
    const r = applySchoolRule(schoolRule, results({ sport: { pass: false, ratio: 0.85 } }));
    expect(r).toMatchObject({ verdict: 'met', met: 6, failed: ['sport'], belowFloor: [] });
  });

  it('is met for the reference example: 场馆 6.5 ㎡ against 7.5 ㎡ (86.7 %) as the only failure', () => {
    const sport = numeric({ id: 'sport', formula: { sum: ['a'], per: 's' }, thresholds: { primary: 7.5 } });
    const j = judge(sport, 6.5, 'primary')!;
    expect(j.pass).toBe(false);
    expect(applySchoolRule(schoolRule, results({ sport: j })).verdict).toBe('met');
    // 6.375 ㎡ is exactly 85 % of 7.5 ㎡
    expect(applySchoolRule(schoolRule, results({ sport: judge(sport, 6.375, 'primary') })).verdict).toBe('met');
  });

  it('is not met with 6 of 7 when the failing one is just below the floor (0.8499)', () => {
    const r = applySchoolRule(schoolRule, results({ equip: { pass: false, ratio: 0.8499 } }));
    expect(r).toMatchObject({ verdict: 'not-met', met: 6, failed: ['equip'], belowFloor: ['equip'] });
  });

  it('is not met with 5 of 7 even when both failures are above the floor', () => {
    const r = applySchoolRule(
      schoolRule,
      results({ room: { pass: false, ratio: 0.933 }, sport: { pass: false, ratio: 0.9 } }),
    );
    expect(r).toMatchObject({ verdict: 'not-met', met: 5, failed: ['room', 'sport'], belowFloor: [] });
  });

  it('is incomplete while a missing indicator could still decide the outcome', () => {
    expect(applySchoolRule(schoolRule, results({ media: null }))).toMatchObject({
      verdict: 'incomplete',
      met: 6,
      missing: ['media'],
    });
    // 5 pass, 1 fails at 90 %, 1 missing: met if the missing one passes
    const r = applySchoolRule(schoolRule, results({ room: { pass: false, ratio: 0.9 }, media: null }));
    expect(r).toMatchObject({ verdict: 'incomplete', met: 5, failed: ['room'], missing: ['media'] });
  });

  it('is not met despite missing data once the outcome is already decided', () => {
    // a failure below the floor cannot be repaired by the missing one
    expect(
      applySchoolRule(schoolRule, results({ backbone: { pass: false, ratio: 0.48 }, media: null })).verdict,
    ).toBe('not-met');
    // 4 pass, 2 fail, 1 missing: at most 5 can pass
    expect(
      applySchoolRule(
        schoolRule,
        results({ room: { pass: false, ratio: 0.9 }, sport: { pass: false, ratio: 0.9 }, media: null }),
      ).verdict,
    ).toBe('not-met');
  });

  it('treats an indicator absent from the map like a missing result', () => {
    const map = results({});
    map.delete('pe_art');
    expect(applySchoolRule(schoolRule, map)).toMatchObject({ verdict: 'incomplete', missing: ['pe_art'] });
  });
});

describe('weightedCV', () => {
  // The reference's worked example: 3 小学, 生均教学仪器设备值.
  // 甲 600 人 1,500,000 元 → 2500 元/生; 乙 300 人 450,000 元 → 1500; 丙 100 人 120,000 元 → 1200.
  // X̄ = 2,070,000 / 1000 = 2070; Σ Pi(Xi − X̄)² = 110,940,000 + 97,470,000 + 75,690,000 = 284,100,000;
  // S = √(284,100,000 / 1000) = √284,100 ≈ 533.01; CV = 533.01 / 2070 ≈ 0.2575.
  const schools = [
    { value: 2500, students: 600 },
    { value: 1500, students: 300 },
    { value: 1200, students: 100 },
  ];

  it('weights by enrolment: the worked example gives CV ≈ 0.2575 (S ≈ 533.01 around X̄ = 2070)', () => {
    const cv = weightedCV(schools)!;
    expect(cv).toBeCloseTo(Math.sqrt(284_100) / 2070, 12);
    expect(cv).toBeCloseTo(0.2575, 4);
    expect(cv * 2070).toBeCloseTo(533.01, 2);
  });

  it('differs from the unweighted CV of the same schools (0.3206)', () => {
    const unweighted = weightedCV(schools.map((s) => ({ value: s.value, students: 1 })))!;
    expect(unweighted).toBeCloseTo(0.3206, 4);
    expect(unweighted).not.toBeCloseTo(weightedCV(schools)!, 2);
  });

  it('is 0 when every school has the same value', () => {
    expect(weightedCV([{ value: 4.5, students: 100 }, { value: 4.5, students: 900 }])).toBe(0);
  });

  it('returns null for no schools, no students or a zero mean', () => {
    expect(weightedCV([])).toBeNull();
    expect(weightedCV([{ value: 3, students: 0 }])).toBeNull();
    expect(weightedCV([{ value: 0, students: 10 }, { value: 0, students: 20 }])).toBeNull();
  });
});

const JB = ['i1', 'i2', 'i3', 'i4', 'i5', 'i6', 'i7', 'i8'];
const meanRule: BalanceRule = {
  indicatorIds: JB,
  aggregate: 'mean',
  limits: { primary: 0.65, junior: 0.55 },
  comparator: '<',
  description: '综合差异系数',
  source: { document: '县域义务教育均衡发展督导评估暂行办法', number: '教督〔2012〕3号', location: '附件1' },
  unverified: true,
};
const eachRule: BalanceRule = {
  ...meanRule,
  indicatorIds: SEVEN,
  aggregate: 'each',
  limits: { primary: 0.5, junior: 0.45 },
  comparator: '<=',
  unverified: false,
};
const cvs = (ids: string[], values: (number | null)[]) => Object.fromEntries(ids.map((id, i) => [id, values[i] ?? null]));

describe('applyBalanceRule', () => {
  it("'mean': averages the 8 CVs and compares the mean (0.60: 小学 < 0.65 met, 初中 not < 0.55)", () => {
    const values = [0.4, 0.5, 0.6, 0.7, 0.8, 0.5, 0.6, 0.7]; // mean 0.6
    const primary = applyBalanceRule(meanRule, cvs(JB, values), 'primary');
    expect(primary.verdict).toBe('met');
    expect(primary.value).toBeCloseTo(0.6, 12);
    // single items above 0.65 are listed but do not decide a 'mean' rule
    expect(primary.failing).toEqual(['i4', 'i5', 'i8']);
    expect(applyBalanceRule(meanRule, cvs(JB, values), 'junior')).toMatchObject({ verdict: 'not-met' });
  });

  it("'mean' with '<': a mean exactly on the limit fails", () => {
    const r = applyBalanceRule(meanRule, cvs(JB, Array(8).fill(0.65)), 'primary');
    expect(r.verdict).toBe('not-met');
    expect(r.value).toBeCloseTo(0.65, 12);
  });

  it("'mean': incomplete with a missing CV unless the known ones already fail it", () => {
    const some = applyBalanceRule(meanRule, cvs(JB, [0.3, 0.3, 0.3, 0.3, 0.3, 0.3, 0.3, null]), 'primary');
    expect(some).toEqual({ verdict: 'incomplete', failing: [] });
    // 7 × 0.8 / 8 = 0.7 ≥ 0.65 whatever the eighth CV is
    const decided = applyBalanceRule(meanRule, cvs(JB, [0.8, 0.8, 0.8, 0.8, 0.8, 0.8, 0.8, null]), 'primary');
    expect(decided.verdict).toBe('not-met');
    expect(decided.value).toBeUndefined();
  });

  it("'each': every CV must meet the limit; exactly 0.50 passes '<='", () => {
    expect(applyBalanceRule(eachRule, cvs(SEVEN, [0.12, 0.193, 0.138, 0.103, 0.148, 0.125, 0.5]), 'primary')).toEqual({
      verdict: 'met',
      failing: [],
    });
    expect(applyBalanceRule(eachRule, cvs(SEVEN, [0.12, 0.193, 0.138, 0.103, 0.148, 0.125, 0.5]), 'junior')).toEqual({
      verdict: 'not-met',
      failing: ['media'],
    });
  });

  it("'each': incomplete when a CV is missing and none fails; not met when one fails anyway", () => {
    expect(applyBalanceRule(eachRule, cvs(SEVEN, [0.1, 0.1, 0.1, 0.1, 0.1, 0.1, null]), 'primary').verdict).toBe(
      'incomplete',
    );
    expect(applyBalanceRule(eachRule, cvs(SEVEN, [0.6, 0.1, 0.1, 0.1, 0.1, 0.1, null]), 'primary')).toEqual({
      verdict: 'not-met',
      failing: ['high_edu'],
    });
  });

  it('throws a Chinese error when the rule has no limit for the stage', () => {
    const e = thrown(() => applyBalanceRule({ ...eachRule, limits: { primary: 0.5 } }, {}, 'junior'));
    expect(e).toBeInstanceOf(JunhengError);
    expect((e as JunhengError).userMessage).toMatch(/初中.*差异系数/);
  });
});
