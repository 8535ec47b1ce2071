import { describe, expect, it } from 'vitest';
import { JunhengError } from '../../src/errors.js';
import { parseChecklist } from '../../src/checklist/schema.js';
import { thrown } from '../helpers/thrown.js';

const FILE = 'checklists/test-list.yaml';
const source = { document: '县域义务教育优质均衡发展督导评估办法', number: '教督〔2017〕6号', location: '第六条第（二）项' };

/** A small valid checklist as a YAML parser would return it; each test breaks one thing. */
function valid() {
  return {
    id: 'test-list',
    name: '测试清单',
    description: '用于测试的清单',
    fields: [
      { key: 'students', name: '在校学生数', unit: '人', integer: true, hint: '教育事业统计报表' },
      { key: 'backbone_teachers', name: '县级以上骨干教师数', unit: '人', integer: true },
      { key: 'room_area', name: '教学及辅助用房面积', unit: '平方米', integer: false },
    ],
    indicators: [
      {
        id: 'backbone',
        kind: 'numeric',
        name: '每百名学生拥有县级以上骨干教师数',
        level: 'school',
        unit: '人/百生',
        formula: { sum: ['backbone_teachers'], per: 'students', scale: 100 },
        formulaText: '县级以上骨干教师数 ÷ 在校学生数 × 100',
        thresholds: { primary: 1, junior: 1 },
        comparator: '>=',
        source,
        unverified: false,
        note: '骨干教师的界定未核实',
      },
      {
        id: 'room',
        kind: 'numeric',
        name: '生均教学及辅助用房面积',
        level: 'school',
        unit: '平方米/生',
        formula: { sum: ['room_area'], per: 'students' },
        formulaText: '教学及辅助用房面积 ÷ 在校学生数',
        thresholds: { primary: 4.5, junior: 5.8 },
        comparator: '>=',
        source: { ...source, location: '第六条第（四）项' },
        unverified: false,
      },
      {
        id: 'charter',
        kind: 'boolean',
        name: '学校章程',
        level: 'school',
        question: '本校是否制定了章程？',
        source: { ...source, location: '第八条第（三）项' },
        unverified: false,
      },
    ],
    schoolRule: {
      indicatorIds: ['backbone', 'room'],
      minMet: 1,
      floorRatio: 0.85,
      description: '至少1项达标',
      source: { ...source, location: '第六条' },
    },
    balanceRule: {
      indicatorIds: ['backbone', 'room'],
      aggregate: 'each',
      limits: { primary: 0.5, junior: 0.45 },
      comparator: '<=',
      description: '逐项不超过上限',
      source: { ...source, location: '第六条' },
      unverified: false,
    },
  };
}

/** The Chinese message of the error parseChecklist throws for `raw`. */
function messageFor(raw: unknown): string {
  const e = thrown(() => parseChecklist(raw, FILE));
  expect(e).toBeInstanceOf(JunhengError);
  const msg = (e as JunhengError).userMessage;
  expect(msg).toContain(FILE);
  expect(msg).toMatch(/[\u4e00-\u9fff]/);
  return msg;
}

describe('parseChecklist', () => {
  it('accepts a valid checklist and returns it unchanged', () => {
    expect(parseChecklist(valid(), FILE)).toEqual(valid());
  });

  it('rejects a formula that references an undeclared field, naming the field and the indicator', () => {
    const raw = valid();
    raw.indicators[0]!.formula = { sum: ['backbone_teacher'], per: 'students', scale: 100 };
    const msg = messageFor(raw);
    expect(msg).toContain('未声明的字段「backbone_teacher」');
    expect(msg).toContain('indicators[0]（backbone）');
  });

  it('rejects an undeclared divisor field too', () => {
    const raw = valid();
    raw.indicators[1]!.formula = { sum: ['room_area'], per: 'pupils' };
    expect(messageFor(raw)).toContain('未声明的字段「pupils」');
  });

  it('rejects duplicate indicator ids', () => {
    const raw = valid();
    raw.indicators[1]!.id = 'backbone';
    expect(messageFor(raw)).toContain('指标 id「backbone」重复');
  });

  it('rejects duplicate field keys', () => {
    const raw = valid();
    raw.fields[2]!.key = 'students';
    expect(messageFor(raw)).toContain('字段键「students」重复');
  });

  it('rejects an unknown comparator, listing the allowed ones', () => {
    const raw = valid();
    raw.indicators[1]!.comparator = '=>';
    const msg = messageFor(raw);
    expect(msg).toContain('indicators[1]（room）.comparator');
    expect(msg).toContain('>= / <= / > / <');
  });

  it('rejects an unknown comparator in the balance rule', () => {
    const raw = valid();
    raw.balanceRule.comparator = '≤';
    expect(messageFor(raw)).toContain('balanceRule.comparator');
  });

  it('rejects extra keys at the top level and inside an indicator', () => {
    const top = { ...valid(), version: 1 };
    expect(messageFor(top)).toContain('不认识的键：「version」');

    const raw = valid();
    (raw.indicators[0] as Record<string, unknown>).threshold = { primary: 1 };
    const msg = messageFor(raw);
    expect(msg).toContain('indicators[0]（backbone）');
    expect(msg).toContain('「threshold」');
  });

  it('rejects a stage name that is not primary / junior / county in thresholds', () => {
    const raw = valid();
    (raw.indicators[0]!.thresholds as Record<string, number>).senior = 1;
    expect(messageFor(raw)).toContain('「senior」');
  });

  it('rejects a missing required key', () => {
    const raw = valid() as Record<string, unknown>;
    delete (raw.indicators as Record<string, unknown>[])[2]!.unverified;
    expect(messageFor(raw)).toMatch(/indicators\[2\]（charter）\.unverified：缺少必填项/);
  });

  it('rejects an unknown indicator kind', () => {
    const raw = valid();
    raw.indicators[2]!.kind = 'yesno';
    expect(messageFor(raw)).toContain('kind 只能是 numeric 或 boolean');
  });

  it('rejects rules that name a missing or a boolean indicator', () => {
    const missing = valid();
    missing.schoolRule.indicatorIds = ['backbone', 'rooms'];
    expect(messageFor(missing)).toContain('不存在的指标「rooms」');

    const bool = valid();
    bool.balanceRule.indicatorIds = ['backbone', 'charter'];
    expect(messageFor(bool)).toContain('「charter」不是数值指标');
  });

  it('rejects a school rule that asks for more indicators than it lists', () => {
    const raw = valid();
    raw.schoolRule.minMet = 3;
    expect(messageFor(raw)).toContain('minMet');
  });

  it('rejects county thresholds on a school indicator and stage thresholds on a county one', () => {
    const raw = valid();
    (raw.indicators[0] as Record<string, unknown>).thresholds = { county: 1 };
    expect(messageFor(raw)).toContain('学校指标的标准值应按学段');

    const county = valid();
    county.indicators[1]!.level = 'county';
    county.schoolRule.indicatorIds = ['backbone'];
    county.balanceRule.indicatorIds = ['backbone'];
    expect(messageFor(county)).toContain('县级指标的标准值只能写在 county 下');
  });

  it('rejects a non-positive threshold and a floor ratio above 1', () => {
    const raw = valid();
    raw.indicators[0]!.thresholds = { primary: 0, junior: 1 };
    expect(messageFor(raw)).toContain('thresholds.primary');

    const floor = valid();
    floor.schoolRule.floorRatio = 85;
    expect(messageFor(floor)).toContain('schoolRule.floorRatio');
  });

  it('rejects something that is not an object at all', () => {
    expect(messageFor(null)).toContain('文件顶层');
    expect(messageFor(['a'])).toContain(FILE);
  });
});
