import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { assessCounty, countyJson, countyReportText, type CountyAssessment } from '../../src/checklist/county.js';
import { checklistById, loadChecklists } from '../../src/checklist/load.js';
import { readSchoolTable } from '../../src/checklist/spreadsheet.js';
import type { Checklist } from '../../src/checklist/types.js';
import { fixturePath } from '../helpers/shared.js';

interface Expected {
  verdicts: {
    school: string;
    stage: '小学' | '初中';
    indicators: Record<string, { value: number; threshold: number; pass: boolean; pct: number }>;
    failed: string[];
    meets_school_rule: boolean;
  }[];
  cv_student_weighted: Record<'小学' | '初中', Record<string, number>>;
}

const expected = JSON.parse(fs.readFileSync(fixturePath('schools-expected.json'), 'utf8')) as Expected;
const checklist: Checklist = checklistById(loadChecklists(), 'youzhi-2017-resource');

async function assess(name: string): Promise<CountyAssessment> {
  return assessCounty(await readSchoolTable(fs.readFileSync(fixturePath(name)), name), checklist);
}

const round = (v: number, d: number) => Math.round(v * 10 ** d) / 10 ** d;
const NOT_MET = ['青禾县城关第二小学', '柳湾村小学', '石桥乡小学', '东坪镇中学', '石桥乡中学'];

describe('assessCounty on schools-county.csv (oracle: schools-expected.json)', () => {
  it('computes every school’s indicator values, pass flags and school-rule verdict', async () => {
    const a = await assess('schools-county.csv');
    expect(a.schools).toHaveLength(expected.verdicts.length);
    for (const exp of expected.verdicts) {
      const s = a.schools.find((x) => x.name === exp.school)!;
      expect(s, exp.school).toBeDefined();
      expect(s.stage === 'primary' ? '小学' : '初中').toBe(exp.stage);
      for (const [id, e] of Object.entries(exp.indicators)) {
        expect(round(s.indicators[id]!, 2), `${exp.school} ${id}`).toBe(e.value);
        expect(s.judgements[id]!.threshold, `${exp.school} ${id}`).toBe(e.threshold);
        expect(s.judgements[id]!.pass, `${exp.school} ${id}`).toBe(e.pass);
        expect(Math.abs(s.judgements[id]!.ratio * 100 - e.pct), `${exp.school} ${id}`).toBeLessThanOrEqual(0.05 + 1e-9);
      }
      expect(s.failed, exp.school).toEqual(exp.failed);
      expect(s.passed, exp.school).toEqual(Object.keys(exp.indicators).filter((id) => !exp.failed.includes(id)));
      expect(s.verdict, exp.school).toBe(exp.meets_school_rule ? 'met' : 'not-met');
    }
  });

  it('treats values exactly on the threshold as met (南山镇中心小学 骨干 1.00, 用房 4.50)', async () => {
    const a = await assess('schools-county.csv');
    const s = a.schools.find((x) => x.name === '南山镇中心小学')!;
    expect(s.indicators['backbone']).toBe(1);
    expect(s.indicators['room']).toBe(4.5);
    expect(s.failed).toEqual([]);
    expect(s.verdict).toBe('met');
  });

  it('computes the student-weighted 差异系数 per stage; both stages are balanced', async () => {
    const a = await assess('schools-county.csv');
    expect(a.stages.map((s) => s.stage)).toEqual(['primary', 'junior']);
    for (const st of a.stages) {
      const exp = expected.cv_student_weighted[st.stage === 'primary' ? '小学' : '初中'];
      expect(Object.keys(st.cv).sort()).toEqual(Object.keys(exp).sort());
      for (const [id, v] of Object.entries(exp)) expect(Math.abs(st.cv[id]! - v), `${st.stage} ${id}`).toBeLessThanOrEqual(0.0005 + 1e-12);
      expect(st.verdict).toBe('met');
      expect(st.failing).toEqual([]);
    }
    expect(a.stages[0]).toMatchObject({ schools: 8, limit: 0.5 });
    expect(a.stages[1]).toMatchObject({ schools: 5, limit: 0.45 });
  });

  it('is not met at county level, with a reason naming each failing school', async () => {
    const a = await assess('schools-county.csv');
    expect(a.verdict).toBe('not-met');
    const text = a.reasons.join('\n');
    for (const name of NOT_MET) expect(text).toContain(name);
    expect(text).not.toContain('青禾县实验小学');
    expect(a.reasons.some((r) => r.startsWith('小学') && r.includes('3 所'))).toBe(true);
    expect(a.reasons.some((r) => r.startsWith('初中') && r.includes('2 所'))).toBe(true);
    expect(a.rejectedRows).toEqual([]);
  });

  it('gives the same result for the .xlsx', async () => {
    const c = countyJson(await assess('schools-county.csv'));
    const x = countyJson(await assess('schools-county.xlsx'));
    expect(x).toEqual(c);
  });

  it('is met when every school meets the rule and the balance holds', async () => {
    const t = await readSchoolTable(fs.readFileSync(fixturePath('schools-county.csv')), 'schools-county.csv');
    const good = { ...t, rows: t.rows.filter((r) => !NOT_MET.includes(r.name)) };
    const a = assessCounty(good, checklist);
    expect(a.verdict).toBe('met');
    expect(a.reasons).toEqual([]);
    expect(countyJson(a).balance).toEqual({ 小学: 'met', 初中: 'met' });
  });

  it('fails the balance rule when one school is far from the others', async () => {
    const t = await readSchoolTable(fs.readFileSync(fixturePath('schools-county.csv')), 'schools-county.csv');
    const rows = t.rows.map((r) => (r.name === '青禾县第一初级中学' ? { ...r, answers: { ...r.answers, backbone_teachers: 200 } } : r));
    const a = assessCounty({ ...t, rows }, checklist);
    const junior = a.stages.find((s) => s.stage === 'junior')!;
    expect(junior.failing).toContain('backbone');
    expect(junior.verdict).toBe('not-met');
    expect(a.stages.find((s) => s.stage === 'primary')!.verdict).toBe('met');
    expect(a.reasons.join('')).toMatch(/初中.*差异系数.*超过.*0\.45/u);
  });
});

describe('assessCounty on schools-bad.csv', () => {
  it('still assesses the remaining schools and carries the rejected rows through', async () => {
    const a = await assess('schools-bad.csv');
    expect(a.schools.map((s) => s.line)).toEqual([3, 4, 5, 8, 9, 11, 12, 14, 15]);
    expect(a.rejectedRows.map((r) => r.line).sort((x, y) => x - y)).toEqual([2, 6, 7, 10, 13]);
    // 东坪镇中心小学 read from "1,234" gives the oracle's values.
    const dp = a.schools.find((s) => s.name === '东坪镇中心小学')!;
    const exp = expected.verdicts.find((v) => v.school === '东坪镇中心小学')!;
    for (const [id, e] of Object.entries(exp.indicators)) expect(round(dp.indicators[id]!, 2)).toBe(e.value);
    expect(dp.verdict).toBe('met');
    expect(a.verdict).toBe('not-met');
    expect(a.reasons.join('')).toMatch(/5 行数据有误/u);
    expect(a.warnings.map((w) => [w.line, w.name])).toEqual([
      [4, '东坪镇中心小学'],
      [12, '青禾县实验中学'],
    ]);
    const json = countyJson(a);
    expect(json.rejectedRows.find((r) => r.line === 7)).toMatchObject({ name: '柳湾村小学' });
  });
});

describe('countyReportText', () => {
  it('is a compact Chinese report: tables per stage, 差异系数 with the limit, verdict, rejected rows', async () => {
    const a = await assess('schools-bad.csv');
    const text = countyReportText(a, checklist);
    expect(text).toContain('【小学】');
    expect(text).toContain('【初中】');
    expect(text).toMatch(/差异系数（按在校生数加权，标准 ≤ 0\.50）/u);
    expect(text).toMatch(/差异系数（按在校生数加权，标准 ≤ 0\.45）/u);
    expect(text).toContain('县域结论：未达标');
    expect(text).toMatch(/第 7 行 柳湾村小学：.*负数/u);
    expect(text).toMatch(/第 4 行 东坪镇中心小学：.*1,234/u);
    expect(text).toMatch(/石桥乡中学 {2}5\/7 项 · 未达标/u);
    // The value rows fit a phone: no table line wider than 44 columns.
    const tableLines = text.split('\n').filter((l) => /^[\s\d.*—]+$/u.test(l) && l.trim() !== '');
    expect(tableLines.length).toBeGreaterThan(10);
    for (const l of tableLines) expect(l.length).toBeLessThanOrEqual(44);
  });
});

describe('countyReportText numbers and verdict', () => {
  const base = { students: 1000, high_edu_teachers: 60, backbone_teachers: 20, pe_art_teachers: 12, room_area: 6000, sport_area: 11000, equip_value: 300, media_rooms: 30 };
  const row = (line: number, name: string, stage: 'primary' | 'junior', over: Partial<typeof base>) => ({ line, name, stage, answers: { ...base, ...over }, warnings: [] });
  const table = {
    fileName: 'rounding.csv',
    format: 'csv' as const,
    columns: [],
    rows: [
      // 骨干 10 ÷ 2100 × 100 = 0.476…, fails ≥ 1.
      row(2, '甲小学', 'primary', { students: 2100, high_edu_teachers: 126, pe_art_teachers: 25, room_area: 9500, sport_area: 16000, equip_value: 450, media_rooms: 50 }),
      // 用房 4497 ÷ 1000 = 4.497, fails ≥ 4.5 and would round onto it.
      row(3, '丙小学', 'primary', { room_area: 4497 }),
      // 用房 4766 ÷ 1000 = 4.766, fails the 初中 ≥ 5.8.
      row(4, '乙中学', 'junior', { room_area: 4766 }),
    ],
    rejected: [],
    warnings: [],
  };
  const text = () => countyReportText(assessCounty({ ...table, rows: table.rows.map((r, i) => (i === 0 ? { ...r, answers: { ...r.answers, backbone_teachers: 10 } } : r)) }, checklist), checklist);
  const valuesOf = (t: string, school: string) => t.split('\n')[t.split('\n').findIndex((l) => l.startsWith(school)) + 1]!;

  it('rounds failing values half up like the self-check (0.476 → 0.48, 4.766 → 4.77), not down', () => {
    const t = text();
    expect(valuesOf(t, '甲小学')).toContain('0.48*');
    expect(valuesOf(t, '甲小学')).not.toContain('0.47');
    expect(valuesOf(t, '乙中学')).toContain('4.77*');
    expect(valuesOf(t, '乙中学')).not.toContain('4.76');
  });

  it('shows a failing value that would round onto its threshold with one more decimal (4.497, not 4.50)', () => {
    const t = text();
    expect(valuesOf(t, '丙小学')).toContain('4.497*');
    expect(valuesOf(t, '丙小学')).not.toMatch(/4\.50\*/u);
    expect(t).toMatch(/未达标的数若四舍五入后会等于标准，就多显示一位小数/u);
  });

  it('cites the article the county verdict rests on, from the checklist data', () => {
    const rule = checklist.schoolRule!.source;
    expect(text()).toContain(`县域结论：未达标（依据：《${rule.document}》（${rule.number}）${rule.location}）`);
  });
});
