import { describe, expect, it } from 'vitest';
import { endsFullSentence, endsSentence, isCjk, joinPieces, percentile, visualWidth } from '../../../src/ingest/clean/chars.js';

describe('chars', () => {
  it('classifies CJK ideographs, CJK punctuation and full-width forms', () => {
    for (const ch of ['教', '。', '、', '《', '，', '（', '１']) expect(isCjk(ch)).toBe(true);
    for (const ch of ['a', '1', ',', ' ', '']) expect(isCjk(ch)).toBe(false);
  });

  it('measures CJK as 1, ASCII as 0.5 and ignores spaces', () => {
    expect(visualWidth('教育')).toBe(2);
    expect(visualWidth('2013 年')).toBe(3);
  });

  it('sees a sentence end through closing quotes, not a bare closing quote', () => {
    expect(endsSentence('学校要办好。')).toBe(true);
    expect(endsSentence('作用。”')).toBe(true);
    expect(endsSentence('实施方案为：')).toBe(true);
    expect(endsSentence('推广“班班通”')).toBe(false);
    expect(endsSentence('全面提高教育')).toBe(false);
  });

  it('does not let a passage end on a colon', () => {
    expect(endsFullSentence('具体做法为：')).toBe(false);
    expect(endsFullSentence('做法很多。')).toBe(true);
  });

  it('joins CJK pieces without a separator and Latin words with one space', () => {
    expect(joinPieces('办学水平差', '距')).toBe('办学水平差距');
    expect(joinPieces('the', 'plan')).toBe('the plan');
    expect(joinPieces('201', '3年')).toBe('2013年');
  });

  it('takes percentiles of unsorted values', () => {
    expect(percentile([5, 1, 3, 2, 4], 0.9)).toBe(5);
    expect(percentile([], 0.5)).toBe(0);
  });
});
