import { reciprocalRankFusion } from './fusion.js';
import type { PassageIndex } from './reader.js';
import type { StoredPassage } from './store.js';

export interface RankedPassage {
  passage: StoredPassage;
  score: number;
}

const CANDIDATES = 50;

/** Keyword and vector candidates fused by rank. */
export async function hybridSearch(index: PassageIndex, query: string, limit: number): Promise<RankedPassage[]> {
  const keyword = index.keywordSearch(query, CANDIDATES).map((h) => h.passageId);
  const vector = (await index.vectorSearch(query, CANDIDATES)).map((h) => h.passageId);
  const out: RankedPassage[] = [];
  for (const { id, score } of reciprocalRankFusion([keyword, vector])) {
    const passage = index.passage(id);
    if (passage) out.push({ passage, score });
    if (out.length >= limit) break;
  }
  return out;
}
