import { describe, expect, it } from 'vitest';
import { bestWindowShare, rerank, type Candidate } from '../../src/answer/rerank.js';

const idf = (t: string) => ({ 校医: 5, 学生: 1, 配备: 2, 经费: 2, 标准: 1 })[t] ?? 1;
const concepts = [{ forms: ['校医'] }, { forms: ['学生'] }, { forms: ['配备'] }];

describe('bestWindowShare', () => {
  it('counts only the concepts that stand within the window together', () => {
    const weighted = concepts.map((c) => ({ forms: c.forms, w: idf(c.forms[0]!) }));
    const near = '每600名学生配备1名校医。';
    const far = `校医${'。'.repeat(100)}学生配备`;
    expect(bestWindowShare(near, weighted, 8)).toBeCloseTo(1);
    expect(bestWindowShare(far, weighted, 8)).toBeCloseTo(5 / 8);
  });
});

describe('rerank', () => {
  const cand = (id: number, text: string, context = '', fusedRank = 0, heading = ''): Candidate => ({ id, text, heading, section: '', context, fusedRank });

  it('puts the passage holding the whole question first, whatever its fused rank', () => {
    const out = rerank([cand(1, '学生经费标准。', '', 0), cand(2, '每600名学生配备1名校医。', '', 9)], concepts, idf);
    expect(out[0]!.id).toBe(2);
    expect(out[0]!.coverage).toBeCloseTo(1);
  });

  it('credits words found only in the passage context, at a discount', () => {
    const [withContext, without] = rerank([cand(1, '配备1名。', '校医 学生'), cand(2, '配备1名。')], concepts, idf);
    expect(withContext!.id).toBe(1);
    expect(withContext!.contextCoverage).toBeCloseTo(6 / 8);
    expect(without!.contextCoverage).toBe(0);
  });

  it('credits the title or section path more than the previous passage', () => {
    const [fromHeading, fromNeighbour] = rerank([cand(1, '配备1名。', '校医 学生', 0, '校医 学生'), cand(2, '配备1名。', '校医 学生', 0, '')], concepts, idf);
    expect(fromHeading!.id).toBe(1);
    expect(fromHeading!.score).toBeGreaterThan(fromNeighbour!.score);
  });

  it('never credits a concept twice for two of its forms', () => {
    const out = rerank([cand(1, '教师和老师')], [{ forms: ['老师', '教师'] }], () => 2);
    expect(out[0]!.coverage).toBeCloseTo(1);
  });
});
