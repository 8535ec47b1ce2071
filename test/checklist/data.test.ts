import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { JunhengError } from '../../src/errors.js';
import { checklistById, loadChecklists } from '../../src/checklist/load.js';
import { applyBalanceRule, applySchoolRule, indicatorValue, judge, weightedCV } from '../../src/checklist/rules.js';
import type { Checklist, Indicator, NumericIndicator, Stage } from '../../src/checklist/types.js';
import { fixturePath } from '../helpers/shared.js';
import { thrown } from '../helpers/thrown.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const checklistDir = path.resolve(here, '../../corpus/checklists');
const checklists = loadChecklists(checklistDir);
const resource = checklistById(checklists, 'youzhi-2017-resource');
const county = checklistById(checklists, 'youzhi-2017-county');
const jiben = checklistById(checklists, 'jiben-2012');

const SEVEN = ['high_edu', 'backbone', 'pe_art', 'room', 'sport', 'equip', 'media'];

function indicator(list: Checklist, id: string): Indicator {
  const ind = list.indicators.find((i) => i.id === id);
  if (!ind) throw new Error(`no indicator ${id} in ${list.id}`);
  return ind;
}
function numericIndicator(list: Checklist, id: string): NumericIndicator {
  const ind = indicator(list, id);
  if (ind.kind !== 'numeric') throw new Error(`${id} is not numeric`);
  return ind;
}

/** Rounded as the oracle (Python round) does; ties do not occur in this data. */
const round = (v: number, digits: number) => Number(v.toFixed(digits));

// ---------------------------------------------------------------------------
// The county fixture and its oracle
// ---------------------------------------------------------------------------

const COLUMN_TO_FIELD: Record<string, string> = {
  在校学生数: 'students',
  高于规定学历教师数: 'high_edu_teachers',
  县级以上骨干教师数: 'backbone_teachers',
  体育艺术专任教师数: 'pe_art_teachers',
  '教学及辅助用房面积(平方米)': 'room_area',
  '体育运动场馆面积(平方米)': 'sport_area',
  '教学仪器设备值(万元)': 'equip_value',
  '网络多媒体教室数(间)': 'media_rooms',
};
const STAGE_OF: Record<string, Stage> = { 小学: 'primary', 初中: 'junior' };

interface SchoolRow {
  school: string;
  stage: Stage;
  answers: Record<string, number>;
}

function readSchools(): SchoolRow[] {
  const [header, ...rows] = fs.readFileSync(fixturePath('schools-county.csv'), 'utf8').trim().split('\n');
  const cols = header!.split(',');
  return rows.map((line) => {
    const cells = line.split(',');
    const get = (name: string) => cells[cols.indexOf(name)]!;
    const answers: Record<string, number> = {};
    for (const [col, key] of Object.entries(COLUMN_TO_FIELD)) answers[key] = Number(get(col));
    return { school: get('学校名称'), stage: STAGE_OF[get('学段')]!, answers };
  });
}

interface OracleIndicator {
  value: number;
  threshold: number;
  pass: boolean;
  pct: number;
}
interface Oracle {
  verdicts: {
    school: string;
    stage: string;
    indicators: Record<string, OracleIndicator>;
    failed: string[];
    meets_school_rule: boolean;
  }[];
  cv_student_weighted: Record<string, Record<string, number>>;
}
const oracle = JSON.parse(fs.readFileSync(fixturePath('schools-expected.json'), 'utf8')) as Oracle;
const schools = readSchools();

describe('the three checklist files', () => {
  it('load from corpus/checklists, one checklist per file named after its id', () => {
    expect(checklists.map((c) => c.id).sort()).toEqual(['jiben-2012', 'youzhi-2017-county', 'youzhi-2017-resource']);
    for (const c of checklists) expect(fs.existsSync(path.join(checklistDir, `${c.id}.yaml`))).toBe(true);
  });

  it('define the 7 资源配置 indicators with the ids, inputs and thresholds of 第六条', () => {
    expect(resource.indicators.map((i) => i.id)).toEqual(SEVEN);
    expect(resource.fields.map((f) => f.key)).toEqual([
      'students',
      'high_edu_teachers',
      'backbone_teachers',
      'pe_art_teachers',
      'room_area',
      'sport_area',
      'equip_value',
      'media_rooms',
    ]);
    const thresholds = Object.fromEntries(SEVEN.map((id) => [id, numericIndicator(resource, id).thresholds]));
    expect(thresholds).toEqual({
      high_edu: { primary: 4.2, junior: 5.3 },
      backbone: { primary: 1, junior: 1 },
      pe_art: { primary: 0.9, junior: 0.9 },
      room: { primary: 4.5, junior: 5.8 },
      sport: { primary: 7.5, junior: 10.2 },
      equip: { primary: 2000, junior: 2500 },
      media: { primary: 2.3, junior: 2.4 },
    });
    for (const id of SEVEN) expect(numericIndicator(resource, id).comparator).toBe('>=');
    const field = (key: string) => resource.fields.find((f) => f.key === key)!;
    expect(field('equip_value').unit).toBe('万元');
    expect(field('equip_value').integer).toBe(false);
    expect(field('students').integer).toBe(true);
    for (const f of resource.fields) expect(f.hint).toBeTruthy();
    expect(resource.schoolRule).toMatchObject({ indicatorIds: SEVEN, minMet: 6, floorRatio: 0.85 });
    expect(resource.balanceRule).toMatchObject({
      indicatorIds: SEVEN,
      aggregate: 'each',
      limits: { primary: 0.5, junior: 0.45 },
      comparator: '<=',
    });
  });

  it('define the 8 基本均衡 差异系数 indicators without thresholds and a mean rule of < 0.65 / 0.55', () => {
    expect(jiben.indicators).toHaveLength(8);
    for (const ind of jiben.indicators) {
      expect(ind.kind).toBe('numeric');
      expect((ind as NumericIndicator).thresholds).toEqual({});
    }
    expect(jiben.balanceRule).toMatchObject({
      aggregate: 'mean',
      limits: { primary: 0.65, junior: 0.55 },
      comparator: '<',
      unverified: true,
    });
    expect(jiben.balanceRule!.indicatorIds).toEqual(jiben.indicators.map((i) => i.id));
    const computers = numericIndicator(jiben, 'jb_computers');
    expect(indicatorValue(computers, { computers: 150, students: 1000 })).toBe(15);
    const ratio = numericIndicator(jiben, 'jb_teacher_ratio');
    expect(indicatorValue(ratio, { full_time_teachers: 49, students: 1000 })).toBeCloseTo(0.049, 12);
  });

  it('give every indicator and rule a source with document, 文号 and location', () => {
    const documents: Record<string, [string, string]> = {
      'youzhi-2017-resource': ['县域义务教育优质均衡发展督导评估办法', '教督〔2017〕6号'],
      'youzhi-2017-county': ['县域义务教育优质均衡发展督导评估办法', '教督〔2017〕6号'],
      'jiben-2012': ['县域义务教育均衡发展督导评估暂行办法', '教督〔2012〕3号'],
    };
    for (const c of checklists) {
      const [document, number] = documents[c.id]!;
      const sources = [...c.indicators.map((i) => i.source), c.schoolRule?.source, c.balanceRule?.source];
      for (const s of sources.filter((x) => x !== undefined)) {
        expect(s).toMatchObject({ document, number });
        expect(s.location.length).toBeGreaterThan(1);
      }
    }
    expect(indicator(resource, 'media').source.location).toBe('第六条第（七）项');
    expect(indicator(county, 'qual04_training_budget').source.location).toBe('第八条第（四）项');
  });

  it('mark the inferred article numbers (第七条, 第九条) as 推定', () => {
    for (const ind of county.indicators.filter((i) => i.id.startsWith('gov'))) {
      expect(ind.source.location).toMatch(/^第七条（推定）/);
    }
    expect(indicator(county, 'rec01_recognition').source.location).toBe('第九条（推定）');
  });

  it('keep items unverified where the reference does, each with a note', () => {
    const unverified = [
      'gov03a_music_rooms', // ⌈班级数 ÷ 12⌉ is an interpretation
      'gov09_training_360h', // 完成率100% not read
      'gov10_staffing_pool',
      'gov11a_rotation_rate',
      'gov11b_rotation_backbone_share',
      'gov12_certified_rate',
      'gov13_nearby_enrolment',
      'gov14a_quota_allocation',
      'gov15b_migrant_children',
      'qual05b_equipment_use',
      'qual06_moral_culture',
      'qual08_workload',
      'qual09a_achievement_level',
      'qual09b_gap_rate',
      'rec01_recognition',
      'veto05_other',
    ];
    for (const id of unverified) {
      const ind = indicator(county, id);
      expect(ind.unverified, id).toBe(true);
      expect(ind.note, id).toMatch(/未经核实/);
    }
    for (const c of checklists) {
      for (const ind of c.indicators.filter((i) => i.unverified)) expect(ind.note, ind.id).toBeTruthy();
    }
    // figures supported only by a local document say so
    for (const id of ['gov11a_rotation_rate', 'gov11b_rotation_backbone_share', 'gov13_nearby_enrolment', 'qual09a_achievement_level', 'qual09b_gap_rate']) {
      expect(indicator(county, id).note, id).toMatch(/只见于地方文件.*国家原文没有读到/);
    }
    expect(jiben.balanceRule!.note).toMatch(/县级工作总结/);
    // verified items stay verified
    for (const id of ['pre01_jiben_3years', 'gov04_school_size', 'gov05_class_size', 'gov07_special_ed_funding', 'qual01_retention', 'qual04_training_budget', 'veto01_exam_admission']) {
      expect(indicator(county, id).unverified, id).toBe(false);
    }
    for (const id of SEVEN) expect(indicator(resource, id).unverified, id).toBe(false);
    expect(resource.balanceRule!.unverified).toBe(false);
  });

  it('carry the county thresholds of the reference', () => {
    const t = (id: string) => numericIndicator(county, id);
    expect(t('gov04_school_size')).toMatchObject({ thresholds: { primary: 2000, junior: 2000 }, comparator: '<=' });
    expect(t('gov04_school_size').note).toContain('2500');
    expect(t('gov05_class_size')).toMatchObject({ thresholds: { primary: 45, junior: 50 }, comparator: '<=' });
    expect(t('gov07_special_ed_funding').thresholds).toEqual({ county: 6000 });
    expect(t('gov08a_teacher_pay').thresholds).toEqual({ county: 100 });
    expect(t('gov11a_rotation_rate').thresholds).toEqual({ county: 10 });
    expect(t('gov11b_rotation_backbone_share').thresholds).toEqual({ county: 20 });
    expect(t('gov13_nearby_enrolment').thresholds).toEqual({ primary: 100, junior: 95 });
    expect(t('gov14a_quota_allocation').thresholds).toEqual({ county: 50 });
    expect(t('gov15b_migrant_children').thresholds).toEqual({ county: 85 });
    expect(t('qual01_retention').thresholds).toEqual({ county: 95 });
    expect(t('qual02_disabled_enrolment').thresholds).toEqual({ county: 95 });
    expect(t('qual04_training_budget').thresholds).toEqual({ primary: 5, junior: 5 });
    expect(t('qual09b_gap_rate')).toMatchObject({ thresholds: { county: 0.15 }, comparator: '<' });
    expect(t('rec01_recognition').thresholds).toEqual({ county: 85 });
    // 每12个班级1间: 30 classes need 3 rooms
    expect(judge(t('gov03a_music_rooms'), indicatorValue(t('gov03a_music_rooms'), { music_rooms: 2, classes: 30 })!, 'primary')!.pass).toBe(false);
    expect(judge(t('gov03a_music_rooms'), indicatorValue(t('gov03a_music_rooms'), { music_rooms: 3, classes: 30 })!, 'primary')!.pass).toBe(true);
    // 工资 ratio as %
    expect(indicatorValue(t('gov08a_teacher_pay'), { teacher_avg_pay: 98_000, civil_servant_avg_pay: 98_000 })).toBe(100);
  });

  it('ask every yes/no item as a question', () => {
    const booleans = county.indicators.filter((i) => i.kind === 'boolean');
    expect(booleans.length).toBeGreaterThan(20);
    for (const b of booleans) expect(b.kind === 'boolean' && b.question.endsWith('？'), b.id).toBe(true);
  });
});

describe('青禾县 schools against the oracle (schools-expected.json)', () => {
  it('covers all 13 schools of the CSV', () => {
    expect(schools).toHaveLength(13);
    expect(schools.map((s) => s.school)).toEqual(oracle.verdicts.map((v) => v.school));
  });

  for (const expected of oracle.verdicts) {
    it(`${expected.school}: indicator values, thresholds, passes and the 6-of-7 rule`, () => {
      const row = schools.find((s) => s.school === expected.school)!;
      expect(STAGE_OF[expected.stage]).toBe(row.stage);
      const results = new Map<string, { pass: boolean; ratio: number } | null>();
      for (const id of SEVEN) {
        const ind = numericIndicator(resource, id);
        const value = indicatorValue(ind, row.answers)!;
        const j = judge(ind, value, row.stage)!;
        const want = expected.indicators[id]!;
        expect(round(value, 2), id).toBe(want.value);
        expect(j.threshold, id).toBe(want.threshold);
        expect(j.pass, id).toBe(want.pass);
        expect(round(j.ratio * 100, 1), id).toBe(want.pct);
        results.set(id, j);
      }
      const r = applySchoolRule(resource.schoolRule!, results);
      expect(r.failed).toEqual(expected.failed);
      expect(r.verdict).toBe(expected.meets_school_rule ? 'met' : 'not-met');
      expect(r.missing).toEqual([]);
    });
  }

  it('南山镇中心小学 passes 骨干 and 用房 exactly on the threshold', () => {
    const row = schools.find((s) => s.school === '南山镇中心小学')!;
    expect(indicatorValue(numericIndicator(resource, 'backbone'), row.answers)).toBe(1);
    expect(indicatorValue(numericIndicator(resource, 'room'), row.answers)).toBe(4.5);
  });

  it('student-weighted 差异系数 per stage match the oracle and meet ≤ 0.50 / ≤ 0.45', () => {
    for (const [stageName, stage] of Object.entries(STAGE_OF)) {
      const inStage = schools.filter((s) => s.stage === stage);
      const cvs: Record<string, number | null> = {};
      for (const id of SEVEN) {
        const ind = numericIndicator(resource, id);
        const points = inStage.map((s) => ({ value: indicatorValue(ind, s.answers)!, students: s.answers.students! }));
        const cv = weightedCV(points)!;
        expect(round(cv, 3), `${stageName} ${id}`).toBe(oracle.cv_student_weighted[stageName]![id]);
        cvs[id] = cv;
      }
      expect(applyBalanceRule(resource.balanceRule!, cvs, stage)).toEqual({ verdict: 'met', failing: [] });
    }
  });
});

describe('loadChecklists errors', () => {
  let tmp: string | undefined;
  afterEach(() => {
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
    tmp = undefined;
  });
  function dirWith(files: Record<string, string>): string {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'junheng-checklists-'));
    for (const [name, text] of Object.entries(files)) fs.writeFileSync(path.join(tmp, name), text);
    return tmp;
  }
  const resourceText = () => fs.readFileSync(path.join(checklistDir, 'youzhi-2017-resource.yaml'), 'utf8');

  function userMessage(fn: () => unknown): string {
    const e = thrown(fn);
    expect(e).toBeInstanceOf(JunhengError);
    return (e as JunhengError).userMessage;
  }

  it('names the file and the line when its YAML is broken', () => {
    const tab = dirWith({ 'youzhi-2017-resource.yaml': resourceText().replace('  - key: students', '\t- key: students') });
    expect(userMessage(() => loadChecklists(tab))).toMatch(/youzhi-2017-resource\.yaml 不是有效的 YAML：第 \d+ 行：缩进里有制表符/);
    const dup = dirWith({ 'youzhi-2017-resource.yaml': `${resourceText()}\nid: again\n` });
    expect(userMessage(() => loadChecklists(dup))).toMatch(/youzhi-2017-resource\.yaml 不是有效的 YAML：第 \d+ 行：同一层里键重复/);
  });

  it('uses the parser it is given and wraps its error with the file name', () => {
    const dir = dirWith({ 'youzhi-2017-resource.yaml': resourceText() });
    const parser = {
      parse: () => {
        throw new Error('解析器故障');
      },
    };
    expect(userMessage(() => loadChecklists(dir, parser))).toBe(
      '清单定义文件 ' + path.join(path.basename(dir), 'youzhi-2017-resource.yaml') + ' 不是有效的 YAML：解析器故障',
    );
  });

  it('names the file when the schema rejects it (unknown comparator)', () => {
    const dir = dirWith({ 'youzhi-2017-resource.yaml': resourceText().replace('comparator: "<="', 'comparator: "=<"') });
    expect(userMessage(() => loadChecklists(dir))).toMatch(/youzhi-2017-resource\.yaml 有误：balanceRule\.comparator/);
  });

  it('requires the file name to match the checklist id', () => {
    const dir = dirWith({ 'resource.yaml': resourceText() });
    expect(userMessage(() => loadChecklists(dir))).toMatch(/resource\.yaml.*youzhi-2017-resource/);
  });

  it('reports a missing folder and an unknown checklist id in Chinese', () => {
    expect(userMessage(() => loadChecklists(path.join(os.tmpdir(), 'junheng-no-such-dir')))).toContain('找不到检查清单文件夹');
    expect(userMessage(() => checklistById(checklists, 'youzhi-2020'))).toContain('youzhi-2017-resource');
  });
});
