import { spanHit } from '../ingest/spanMatch.js';

/** What the harness records of a retrieved passage. */
export interface RankedSource {
  source: string;
  text: string;
}

export interface GoldSpan {
  doc: string;
  span: string;
}

/** A passage hits when it comes from the gold document and contains a gold span (or 80% of it, contiguous). */
export function isHit(passage: RankedSource, gold: readonly GoldSpan[]): boolean {
  return gold.some((g) => g.doc === passage.source && spanHit(passage.text, g.span));
}

/** 1-based rank of the first hit among the passages, or null. */
export function firstHitRank(passages: readonly RankedSource[], gold: readonly GoldSpan[]): number | null {
  const i = passages.findIndex((p) => isHit(p, gold));
  return i < 0 ? null : i + 1;
}

export interface QuestionResult {
  answerable: boolean;
  /** Anything but an 'answered' status. */
  refused: boolean;
  /** Rank of the first hit (answerable questions). */
  rank: number | null;
  /** The answer states all the question's keywords; null when the question has none. */
  keyFacts: boolean | null;
  /** Of the answer's citations, how many hold a gold span. */
  citationHits: number;
  citations: number;
}

/** Does a text state every key fact (NFKC, spaces ignored)? */
export function keyFactsStated(text: string, keywords: readonly string[]): boolean {
  const norm = (s: string) => s.normalize('NFKC').replace(/\s+/gu, '');
  const t = norm(text);
  return keywords.every((k) => t.includes(norm(k)));
}

export interface EvalMetrics {
  questions: number;
  answerable: number;
  unanswerable: number;
  recallAt1: number;
  recallAt5: number;
  mrrAt10: number;
  /** Share of unanswerable questions that were refused. */
  refusalRecall: number;
  /** Share of answerable questions that were refused. */
  falseRefusalRate: number;
  /** Share of answerable questions with keywords whose answer states them all. */
  keyFacts: number;
  /** Share of the answers' citations that hold a gold span. */
  citationPrecision: number;
}

const share = (n: number, d: number) => (d === 0 ? 0 : n / d);

export function computeMetrics(results: readonly QuestionResult[]): EvalMetrics {
  const answerable = results.filter((r) => r.answerable);
  const unanswerable = results.filter((r) => !r.answerable);
  const within = (k: number) => answerable.filter((r) => r.rank !== null && r.rank <= k).length;
  return {
    questions: results.length,
    answerable: answerable.length,
    unanswerable: unanswerable.length,
    recallAt1: share(within(1), answerable.length),
    recallAt5: share(within(5), answerable.length),
    mrrAt10: share(answerable.reduce((s, r) => s + (r.rank !== null && r.rank <= 10 ? 1 / r.rank : 0), 0), answerable.length),
    refusalRecall: share(unanswerable.filter((r) => r.refused).length, unanswerable.length),
    falseRefusalRate: share(answerable.filter((r) => r.refused).length, answerable.length),
    keyFacts: share(answerable.filter((r) => r.keyFacts === true).length, answerable.filter((r) => r.keyFacts !== null).length),
    citationPrecision: share(
      answerable.reduce((s, r) => s + r.citationHits, 0),
      answerable.reduce((s, r) => s + r.citations, 0),
    ),
  };
}
