import { describe, expect, it } from 'vitest';
import { computeMetrics, firstHitRank, isHit, keyFactsStated } from '../../src/eval/metrics.js';

const gold = [{ doc: 'a.txt', span: '师生比例为 1:11.58' }];

describe('isHit', () => {
  it('needs the gold document and the span, compared without whitespace after NFKC', () => {
    expect(isHit({ source: 'a.txt', text: '初中师生比例为１:11.58。' }, gold)).toBe(true);
    expect(isHit({ source: 'b.txt', text: '初中师生比例为1:11.58。' }, gold)).toBe(false);
    expect(isHit({ source: 'a.txt', text: '小学师生比例为1:16.34。' }, gold)).toBe(false);
  });
});

describe('firstHitRank', () => {
  it('is the 1-based rank of the first hit, or null', () => {
    const ps = [{ source: 'a.txt', text: '无关' }, { source: 'a.txt', text: '师生比例为1:11.58' }];
    expect(firstHitRank(ps, gold)).toBe(2);
    expect(firstHitRank(ps.slice(0, 1), gold)).toBeNull();
  });
});

describe('computeMetrics', () => {
  it('computes recall@k, MRR@10 over answerable questions and refusal rates', () => {
    const m = computeMetrics([
      { answerable: true, refused: false, rank: 1, keyFacts: true, citationHits: 1, citations: 1 },
      { answerable: true, refused: false, rank: 3, keyFacts: false, citationHits: 0, citations: 2 },
      { answerable: true, refused: true, rank: 12, keyFacts: false, citationHits: 0, citations: 0 },
      { answerable: true, refused: false, rank: null, keyFacts: null, citationHits: 1, citations: 1 },
      { answerable: false, refused: true, rank: null, keyFacts: null, citationHits: 0, citations: 0 },
      { answerable: false, refused: false, rank: null, keyFacts: null, citationHits: 0, citations: 0 },
    ]);
    expect(m.keyFacts).toBeCloseTo(1 / 3);
    expect(m.citationPrecision).toBeCloseTo(2 / 4);
    expect(m.recallAt1).toBeCloseTo(1 / 4);
    expect(m.recallAt5).toBeCloseTo(2 / 4);
    expect(m.mrrAt10).toBeCloseTo((1 + 1 / 3) / 4);
    expect(m.refusalRecall).toBeCloseTo(1 / 2);
    expect(m.falseRefusalRate).toBeCloseTo(1 / 4);
  });
});

describe('keyFactsStated', () => {
  it('needs every keyword, ignoring width and spaces', () => {
    expect(keyFactsStated('每间不小于９６平方米，出处：第六条', ['96平方米', '第六条'])).toBe(true);
    expect(keyFactsStated('每间不小于96平方米', ['96平方米', '第六条'])).toBe(false);
  });
});
