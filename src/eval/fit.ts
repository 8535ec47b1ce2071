import { answerFeatures, decide } from '../answer/answerability.js';
import { CANDIDATE_FEATURES, type CandidateFeature } from '../answer/features.js';
import type { Lexicon } from '../answer/lexicon.js';
import type { Prepared } from '../answer/pipeline.js';
import { rerank } from '../answer/rank.js';
import { ANSWER_FEATURES, type AnswerFeature, type AnswerFeatures, type Tuning } from '../answer/tuning.js';

/**
 * Fits the reranker's weights and the answerability model on labelled
 * questions. Pure and deterministic: the same prepared questions give the
 * same tuning (fixed start, fixed grid, fixed iteration counts, no
 * randomness).
 */

export interface FitQuestion {
  id: string;
  answerable: boolean;
  prepared: Prepared;
  /** Candidate ids that hold a gold span. */
  hits: ReadonlySet<number>;
}

export interface FitOptions {
  /** Largest share of answerable training questions the threshold may refuse. */
  targetFalseRefusal: number;
  questionsLabel: string;
  note: string;
}

/** Candidates (in fused order) that form training pairs: deeper ones are rarely reranked to the top. */
const PAIR_POOL = 40;
const START = 0.5;
const RANK_STEPS = 1500;
const RANK_LEARNING_RATE = 5;
/**
 * Regularisation strengths the reranker's L2 is chosen among, by inner cross-validation on the questions
 * it is fitted on (so `npm run eval -- --cv` stays a held-out figure): too weak follows single questions,
 * too strong keeps the weights near their common start.
 */
export const RANK_L2_GRID = [0.0001, 0.0003, 0.001, 0.003] as const;
const INNER_FOLDS = 4;
const LOGISTIC_STEPS = 3000;
const LEARNING_RATE = 0.1;
const L2 = 0.01;
const THRESHOLD_STEP = 0.005;

/**
 * Where fitting starts, and what the pipeline runs with while questions are
 * prepared for fitting (preparation does not read the tuning): equal rerank
 * weights, an answerability model that answers everything.
 */
export function startTuning(): Tuning {
  const zero = Object.fromEntries(ANSWER_FEATURES.map((f) => [f, 0])) as Vector;
  const one = Object.fromEntries(ANSWER_FEATURES.map((f) => [f, 1])) as Vector;
  return {
    rerank: Object.fromEntries(CANDIDATE_FEATURES.map((f) => [f, START])) as Record<CandidateFeature, number>,
    answerability: { bias: 0, weights: zero, mean: zero, scale: one, threshold: 0 },
    fit: { questions: 'none', questionCount: 0, targetFalseRefusal: 0, rankL2: 0, note: 'start of fitting' },
  };
}

interface Pairs {
  /** Feature differences hit − miss, one row of CANDIDATE_FEATURES.length per pair. */
  diff: Float64Array;
  weight: Float64Array;
}

function pairsOf(questions: readonly FitQuestion[]): Pairs {
  const diffs: number[] = [];
  const weights: number[] = [];
  for (const q of questions) {
    if (!q.answerable) continue;
    const pool = q.prepared.candidates.slice(0, PAIR_POOL);
    const hits = pool.filter((c) => q.hits.has(c.id));
    const misses = pool.filter((c) => !q.hits.has(c.id));
    if (hits.length === 0 || misses.length === 0) continue;
    const weight = 1 / (hits.length * misses.length);
    for (const h of hits) {
      for (const m of misses) {
        for (const f of CANDIDATE_FEATURES) diffs.push(h.features[f] - m.features[f]);
        weights.push(weight);
      }
    }
  }
  return { diff: Float64Array.from(diffs), weight: Float64Array.from(weights) };
}

function fitPairs({ diff, weight }: Pairs, l2: number): Tuning['rerank'] {
  const d = CANDIDATE_FEATURES.length;
  const w = new Float64Array(d).fill(START);
  const total = weight.reduce((s, x) => s + x, 0) || 1;
  const grad = new Float64Array(d);
  for (let step = 0; step < RANK_STEPS; step++) {
    for (let j = 0; j < d; j++) grad[j] = l2 * w[j]!;
    for (let p = 0; p < weight.length; p++) {
      const row = p * d;
      let z = 0;
      for (let j = 0; j < d; j++) z += diff[row + j]! * w[j]!;
      const g = (-weight[p]! / total) / (1 + Math.exp(z));
      for (let j = 0; j < d; j++) grad[j]! += g * diff[row + j]!;
    }
    for (let j = 0; j < d; j++) w[j]! -= RANK_LEARNING_RATE * grad[j]!;
  }
  return Object.fromEntries(CANDIDATE_FEATURES.map((f, j) => [f, w[j]!])) as Record<CandidateFeature, number>;
}

/** Answerable questions whose first passage under the weights holds a gold span. */
function firstHits(questions: readonly FitQuestion[], weights: Tuning['rerank']): number {
  return questions.filter((q) => {
    if (!q.answerable) return false;
    const top = rerank(q.prepared.candidates, weights)[0];
    return top !== undefined && q.hits.has(top.id);
  }).length;
}

/**
 * The grid's strongest regularisation whose first-passage hits on inner held-out folds are within one
 * standard error of the best (the one-standard-error rule): differences smaller than that are noise of
 * which questions fell in which fold, and the stronger L2 keeps the weights nearer their common start.
 */
export function chooseRankL2(questions: readonly FitQuestion[]): number {
  const inner = (q: FitQuestion) => foldOf(`inner:${q.id}`, INNER_FOLDS);
  const answerable = questions.filter((q) => q.answerable).length;
  // Each fold's training pairs are built once, for every strength of the grid.
  const folds = Array.from({ length: INNER_FOLDS }, (_, fold) => ({
    held: questions.filter((q) => inner(q) === fold),
    pairs: pairsOf(questions.filter((q) => inner(q) !== fold)),
  }));
  const hitsOf = RANK_L2_GRID.map((l2) => folds.reduce((n, { held, pairs }) => n + firstHits(held, fitPairs(pairs, l2)), 0));
  const best = Math.max(...hitsOf);
  const p = answerable > 0 ? best / answerable : 0;
  const standardError = Math.sqrt(p * (1 - p) * answerable);
  // The grid runs from weak to strong: the last within reach of the best.
  let chosen: number = RANK_L2_GRID[0];
  RANK_L2_GRID.forEach((l2, i) => {
    if (hitsOf[i]! >= best - standardError - 1e-9) chosen = l2;
  });
  return chosen;
}

/**
 * Pairwise logistic regression (RankNet-style): every passage holding a gold
 * span should score above every candidate that does not, each question
 * weighing the same. Smooth and convex, so gradient descent finds the optimum.
 */
export function fitRerank(questions: readonly FitQuestion[], l2: number = chooseRankL2(questions)): Tuning['rerank'] {
  return fitPairs(pairsOf(questions), l2);
}

type Vector = Record<AnswerFeature, number>;

function standardise(rows: readonly AnswerFeatures[]): { mean: Vector; scale: Vector } {
  const mean = {} as Vector;
  const scale = {} as Vector;
  for (const f of ANSWER_FEATURES) {
    const xs = rows.map((r) => r[f]);
    const m = xs.reduce((s, x) => s + x, 0) / Math.max(1, xs.length);
    const sd = Math.sqrt(xs.reduce((s, x) => s + (x - m) ** 2, 0) / Math.max(1, xs.length));
    mean[f] = m;
    scale[f] = sd > 1e-9 ? sd : 1;
  }
  return { mean, scale };
}

/** L2-regularised logistic regression by full-batch gradient descent. */
export function fitLogistic(rows: readonly AnswerFeatures[], labels: readonly boolean[]): Omit<Tuning['answerability'], 'threshold'> {
  const { mean, scale } = standardise(rows);
  const x = rows.map((r) => ANSWER_FEATURES.map((f) => (r[f] - mean[f]) / scale[f]));
  const w = ANSWER_FEATURES.map(() => 0);
  let bias = 0;
  const n = Math.max(1, rows.length);
  for (let step = 0; step < LOGISTIC_STEPS; step++) {
    const grad = w.map(() => 0);
    let gradBias = 0;
    x.forEach((row, i) => {
      const z = bias + row.reduce((s, v, j) => s + v * w[j]!, 0);
      const err = 1 / (1 + Math.exp(-z)) - (labels[i] ? 1 : 0);
      gradBias += err;
      row.forEach((v, j) => (grad[j]! += err * v));
    });
    bias -= (LEARNING_RATE * gradBias) / n;
    w.forEach((_, j) => (w[j]! -= LEARNING_RATE * (grad[j]! / n + L2 * w[j]!)));
  }
  return { bias, weights: Object.fromEntries(ANSWER_FEATURES.map((f, j) => [f, w[j]!])) as Vector, mean, scale };
}

export interface Rates {
  falseRefusal: number;
  refusal: number;
}

/** Share of answerable questions not answered, and of unanswerable questions not answered, under a tuning. */
export function decisionRates(questions: readonly FitQuestion[], tuning: Tuning, lexicon: Lexicon): Rates {
  let answerable = 0;
  let unanswerable = 0;
  let falseRefused = 0;
  let refused = 0;
  for (const q of questions) {
    const { prepared } = q;
    const ranked = rerank(prepared.candidates, tuning.rerank);
    const status = decide({ plan: prepared.plan, ranked, unknownKeyShare: prepared.unknownKeyShare, unknownScope: prepared.unknownScope }, tuning, lexicon).status;
    if (q.answerable) {
      answerable++;
      if (status !== 'answered') falseRefused++;
    } else {
      unanswerable++;
      if (status !== 'answered') refused++;
    }
  }
  return { falseRefusal: answerable ? falseRefused / answerable : 0, refusal: unanswerable ? refused / unanswerable : 0 };
}

export function fitTuning(questions: readonly FitQuestion[], lexicon: Lexicon, options: FitOptions): Tuning {
  const rankL2 = chooseRankL2(questions);
  const rerankWeights = fitRerank(questions, rankL2);
  const rows: AnswerFeatures[] = [];
  const labels: boolean[] = [];
  for (const q of questions) {
    const ranked = rerank(q.prepared.candidates, rerankWeights);
    const f = answerFeatures({ plan: q.prepared.plan, ranked, unknownKeyShare: q.prepared.unknownKeyShare });
    if (!f) continue;
    rows.push(f);
    labels.push(q.answerable);
  }
  const model = fitLogistic(rows, labels);
  const tuning: Tuning = {
    rerank: rerankWeights,
    answerability: { ...model, threshold: 0 },
    fit: { questions: options.questionsLabel, questionCount: questions.length, targetFalseRefusal: options.targetFalseRefusal, rankL2, note: options.note },
  };
  // The threshold that refuses the most unanswerable questions while refusing at most the target share of answerable
  // ones. When the rules alone already refuse more (a question whose passage lacks the asked figure is partial at any
  // threshold), the threshold may add no false refusal of its own, but still refuses what it can without one.
  const allowed = Math.max(options.targetFalseRefusal, decisionRates(questions, tuning, lexicon).falseRefusal);
  let bestThreshold = 0;
  let bestRefusal = -1;
  for (let t = 0; t < 1; t += THRESHOLD_STEP) {
    const threshold = Number(t.toFixed(4));
    const rates = decisionRates(questions, { ...tuning, answerability: { ...model, threshold } }, lexicon);
    if (rates.falseRefusal > allowed) break;
    if (rates.refusal > bestRefusal) {
      bestRefusal = rates.refusal;
      bestThreshold = threshold;
    }
  }
  return { ...tuning, answerability: { ...model, threshold: bestThreshold } };
}

/** Deterministic k-fold assignment by a hash of the question id (FNV-1a). */
export function foldOf(id: string, k: number): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < id.length; i++) {
    h ^= id.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h % k;
}
