import { describe, expect, it } from 'vitest';
import {
  answerability, askedUnits, canAnswer, MIN_STRENGTH, MIN_TOPIC_IN_TEXT,
} from '../../src/answer/relevance.js';
import type { Concept } from '../../src/answer/terms.js';

const concept = (form: string, opts: Partial<Concept> = {}): Concept => ({ forms: [form], key: true, scope: false, parts: [], ...opts });
const idf = (t: string) => ({ 运动场: 4, 生均: 1, 面积: 3, 校医: 6, 学生: 1, 拜城县: 4, 校长: 2, 补助: 2 })[t] ?? 1;
const strong = { focusCoverage: 0.9, contextCoverage: 0 };
const passage = (text: string, heading = '', context = heading) => ({ text, heading, section: heading, context });

describe('the relevance bar', () => {
  it('refuses a question about something the documents never mention: its word weighs most and is missing', () => {
    const a = answerability([concept('校医'), concept('学生')], passage('每班学生不超过45人'), idf);
    expect(a.topicInText).toBeCloseTo(1 / 7);
    expect(canAnswer(a, strong)).toBe(false);
  });

  it('refuses a passage about another county, and accepts one whose section names it', () => {
    const cs = [concept('拜城县', { scope: true }), concept('校长')];
    const other = answerability(cs, passage('校长培训率达100%', '轮台县规划'), idf);
    expect(other.missingScope).toEqual(['拜城县']);
    expect(canAnswer(other, strong)).toBe(false);
    expect(canAnswer(answerability(cs, passage('校长培训率达100%', '拜城县规划'), idf), strong)).toBe(true);
  });

  it('refuses a total when the question asks per student (生均)', () => {
    const q = '学校运动场的生均面积标准是多少平方米？';
    const cs = [concept('运动场'), concept('生均'), concept('面积')];
    const total = answerability(cs, passage('改建体育运动场馆面积4.89万平方米', '主要成就', '主要成就 生均校舍面积'), idf, askedUnits(q));
    expect(total.missingUnits).toEqual(['生均']);
    expect(canAnswer(total, strong)).toBe(false);
    const perStudent = answerability(cs, passage('生均体育运动场馆面积：小学7.5平方米'), idf, askedUnits(q));
    expect(canAnswer(perStudent, strong)).toBe(true);
  });

  it('knows the units a figure can be asked in', () => {
    expect(askedUnits('每个月能拿多少钱')[0]).toContain('每月');
    expect(askedUnits('一个班最多多少个学生')[0]).toContain('班额');
    expect(askedUnits('培训经费占公用经费的比例')[0]).toContain('%');
    expect(askedUnits('校长培训有什么要求')).toEqual([]);
  });

  it('does not let a topic word come from the previous passage, but accepts one in the title or section path', () => {
    const cs = [concept('补助'), concept('校长')];
    expect(answerability(cs, passage('校长每年培训一次', '总结', '总结 补助'), idf).topicInText).toBeCloseTo(0.5);
    expect(answerability(cs, passage('校长每年培训一次', '校长补助办法'), idf).topicInText).toBeCloseTo(1);
  });

  it('passes above the topic minimum and fails below it; the strength minimum is inclusive', () => {
    const cs = [concept('运动场'), concept('面积'), concept('x1'), concept('x2'), concept('x3')];
    // 运动场 4 + 面积 3 = 7 of 10 ≥ 0.6; 运动场 alone 4 of 10 < 0.6.
    expect(canAnswer(answerability(cs, passage('运动场面积'), idf), strong)).toBe(true);
    expect(answerability(cs, passage('运动场'), idf).topicInText).toBeLessThan(MIN_TOPIC_IN_TEXT);
    const a = answerability([concept('校长')], passage('校长'), idf);
    expect(canAnswer(a, { focusCoverage: MIN_STRENGTH, contextCoverage: 0 })).toBe(true);
    expect(canAnswer(a, { focusCoverage: MIN_STRENGTH - 0.01, contextCoverage: 0 })).toBe(false);
  });
});
