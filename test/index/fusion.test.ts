import { describe, expect, it } from 'vitest';
import { reciprocalRankFusion } from '../../src/index/fusion.js';

describe('reciprocalRankFusion', () => {
  it('ranks an item found by both retrievers above items found by one', () => {
    const fused = reciprocalRankFusion([[1, 2, 3], [4, 2, 5]]);
    expect(fused[0]!.id).toBe(2);
    expect(fused[0]!.score).toBeCloseTo(1 / 62 + 1 / 62);
  });

  it('uses 1/(k+rank) so the first of one list beats the second of the other', () => {
    const fused = reciprocalRankFusion([[7], [8, 9]], 60);
    expect(fused.map((f) => f.id)).toEqual([7, 8, 9]);
    expect(fused[0]!.score).toBeCloseTo(1 / 61);
    expect(fused[2]!.score).toBeCloseTo(1 / 62);
  });

  it('returns nothing for empty lists', () => {
    expect(reciprocalRankFusion([[], []])).toEqual([]);
  });
});
