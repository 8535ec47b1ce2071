import { EmbeddingServiceError } from '../errors.js';
import type { PassageIndex } from '../index/reader.js';
import { segmentWords } from '../index/segment.js';
import type { ChannelRanks } from './features.js';

/** Step 2: recall. Three channels over the index, each a ranked list of passage ids. */
export interface RecallLists {
  /** BM25 over jieba words (FTS5). */
  word: number[];
  /** BM25 over character bigrams: robust where the segmenter cuts a question differently from the documents. */
  bigram: number[];
  /** Cosine over the local embedder's vectors. */
  vector: number[];
  /** Each channel's scores, parallel to its ids, divided by the channel's best score (1 = as good as the channel's top). */
  shares: { word: number[]; bigram: number[]; vector: number[] };
}

const shares = (scores: readonly number[]) => {
  const top = scores[0] ?? 0;
  return scores.map((s) => (top > 0 ? Math.max(0, s) / top : 0));
};

export interface RecallParameters {
  perChannel: number;
  maxQueryTerms: number;
  maxTermShare: number;
  maxTermPostings: number;
}

/**
 * The words the keyword channels search: the most informative ones (rarest
 * first), without words most passages contain. Pure.
 */
export function searchTerms(words: readonly string[], df: (t: string) => number, passages: number, p: Omit<RecallParameters, 'perChannel'>): string[] {
  const known = [...new Set(words)].map((w) => ({ w, df: df(w) })).filter((x) => x.df > 0);
  const rare = known.filter((x) => x.df <= Math.min(p.maxTermShare * passages, p.maxTermPostings));
  // With nothing rarer, the rarest of the common words still find something (a corpus of one short document).
  const pool = rare.length > 0 ? rare : known.sort((a, b) => a.df - b.df).slice(0, 1);
  return pool
    .sort((a, b) => a.df - b.df || (a.w < b.w ? -1 : 1))
    .slice(0, p.maxQueryTerms)
    .map((x) => x.w);
}

/** Character bigrams of words, within each word (no bigram across two words). */
export function bigramsOf(words: readonly string[]): string[] {
  const out = new Set<string>();
  for (const w of words) {
    const chars = [...w];
    if (chars.length === 1) out.add(w);
    for (let i = 0; i + 1 < chars.length; i++) out.add(chars[i]! + chars[i + 1]!);
  }
  return [...out];
}

export async function recall(index: PassageIndex, query: string, p: RecallParameters, corpus: { df: (t: string) => number; passages: number }): Promise<RecallLists> {
  const { df, passages } = corpus;
  if (!query.trim()) return { word: [], bigram: [], vector: [], shares: { word: [], bigram: [], vector: [] } };
  const words = segmentWords(query);
  const chosen = searchTerms(words, df, passages, p);

  // The bigram channel picks its own rarest bigrams of those words: a rare word may be made of common bigrams.
  const grams = searchTerms(bigramsOf(chosen), df, passages, p).join(' ');
  const perChannel = p.perChannel;
  const word = chosen.length > 0 ? index.keywordSearchTerms(chosen, perChannel) : [];
  const bigram = grams ? index.bigramSearch(grams, perChannel) : [];
  const vector = await vectorChannel(index, query, perChannel);
  return {
    word: word.map((h) => h.passageId),
    bigram: bigram.map((h) => h.passageId),
    vector: vector.map((h) => h.passageId),
    shares: { word: shares(word.map((h) => h.score)), bigram: shares(bigram.map((h) => h.score)), vector: shares(vector.map((h) => h.score)) },
  };
}

/**
 * The vector channel, or nothing while the embeddings service is down: the keyword channels then
 * answer alone, and the user never sees the outage. The embedder has logged it (one line, no key).
 */
async function vectorChannel(index: PassageIndex, query: string, limit: number) {
  try {
    return await index.vectorSearch(query, limit);
  } catch (e) {
    if (e instanceof EmbeddingServiceError) return [];
    throw e;
  }
}

export interface Fused {
  id: number;
  ranks: ChannelRanks;
  /** Score share in each channel (0 when the channel did not return the passage). */
  shares: { word: number; bigram: number; vector: number };
  /** Reciprocal-rank-fusion score: Σ 1 / (k + rank). */
  rrf: number;
}

/** Step 3: fusion. The union of the channels, each passage with its rank in every channel, by RRF. Pure. */
export function fuse(lists: Omit<RecallLists, 'shares'> & { shares?: RecallLists['shares'] }, k: number): Fused[] {
  const byId = new Map<number, Fused>();
  for (const channel of ['word', 'bigram', 'vector'] as const) {
    lists[channel].forEach((id, rank) => {
      const f = byId.get(id) ?? { id, ranks: { word: null, bigram: null, vector: null }, shares: { word: 0, bigram: 0, vector: 0 }, rrf: 0 };
      if (f.ranks[channel] === null) {
        f.ranks[channel] = rank;
        f.shares[channel] = lists.shares?.[channel][rank] ?? 0;
        f.rrf += 1 / (k + rank + 1);
      }
      byId.set(id, f);
    });
  }
  return [...byId.values()].sort((a, b) => b.rrf - a.rrf || a.id - b.id);
}
