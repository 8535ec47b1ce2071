import { describe, expect, it } from 'vitest';
import { isHeadingLike, MAX_QUOTE, selectSentences } from '../../src/answer/extract.js';
import { questionConcepts } from '../../src/answer/terms.js';

const idf = () => 1;

describe('selectSentences', () => {
  it('quotes the answering sentence exactly as written', () => {
    const text = '一是加强领导。初中教育生均预算内公用经费分别为2353.82元、2482.14元。三是强化督导。';
    const q = selectSentences(text, questionConcepts('初中生均公用经费是多少？'), idf);
    expect(q.sentences).toEqual(['初中教育生均预算内公用经费分别为2353.82元、2482.14元。']);
    expect(text).toContain(q.sentences.join(''));
  });

  it('continues after a heading-like line, where the content is', () => {
    const text = '1、注重课堂实效。课堂上教师要抓住重点难点。2、加强作业管理。';
    const q = selectSentences(text, questionConcepts('对课堂实效有什么要求？'), idf);
    expect(q.sentences).toEqual(['1、注重课堂实效。', '课堂上教师要抓住重点难点。']);
  });

  it('brings along the sentence that names the source of the quoted rule', () => {
    const text = '2.骨干教师数：小学不少于1人。出处：优质均衡办法（教督〔2017〕6号）第六条第（二）项。3.体艺教师数：不少于0.9人。';
    const q = selectSentences(text, questionConcepts('小学骨干教师数要达到多少？'), idf);
    expect(q.sentences.join('')).toBe('2.骨干教师数：小学不少于1人。出处：优质均衡办法（教督〔2017〕6号）第六条第（二）项。');
  });

  it('keeps a quote within the length limit', () => {
    const long = `${'校长培训要加强，'.repeat(20)}。`;
    const q = selectSentences(`${long}${long}${long}`, questionConcepts('校长培训'), idf);
    expect(q.sentences.join('').length).toBeLessThanOrEqual(Math.max(MAX_QUOTE, long.length));
  });
});

describe('isHeadingLike', () => {
  it('recognises short numbered lines only', () => {
    expect(isHeadingLike('（二）关注课堂，全面提高教学质量')).toBe(true);
    expect(isHeadingLike('1、注重课堂实效。')).toBe(true);
    expect(isHeadingLike('1、严格执行课程方案。学校严格按照有关规定开设国家课程和地方课程，开齐开足课程。')).toBe(false);
    expect(isHeadingLike('课堂上教师要抓住重点。')).toBe(false);
  });
});
