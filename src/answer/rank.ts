import type { CandidateFeatures } from './features.js';
import { CANDIDATE_FEATURES } from './features.js';
import type { Tuning } from './tuning.js';

/** Step 4: rerank. A linear score over the candidate features with fitted weights. Pure. */

export function rerankScore(f: CandidateFeatures, weights: Tuning['rerank']): number {
  let s = 0;
  for (const name of CANDIDATE_FEATURES) s += weights[name] * f[name];
  return s;
}

export type Ranked<T> = T & { score: number };

/** Candidates best first; ties keep the fused order. */
export function rerank<T extends { features: CandidateFeatures }>(candidates: readonly T[], weights: Tuning['rerank']): Ranked<T>[] {
  const scored = candidates.map((c, i) => ({ c, i, score: rerankScore(c.features, weights) }));
  scored.sort((a, b) => b.score - a.score || a.i - b.i);
  return scored.map(({ c, score }) => ({ ...c, score }));
}
