import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Answer } from '../answer/types.js';
import type { GroundedWriter } from '../answer/llm.js';
import type { Reranker } from '../answer/rerankRemote.js';
import type { Config } from '../config.js';
import { AnswerPipeline, type PipelineOptions, type Prepared } from '../answer/pipeline.js';
import type { Tuning } from '../answer/tuning.js';
import { IndicatorAnswers } from '../checklist/answerer.js';
import { loadEvaluations } from '../checklist/evaluations.js';
import { loadIndicatorNames } from '../checklist/indicatorNames.js';
import { loadChecklists } from '../checklist/load.js';
import { runIngest } from '../ingest/pipeline.js';
import { LocalHashEmbeddings, type IdentifiedEmbeddings } from '../index/embedder.js';
import { PassageIndex } from '../index/reader.js';
import { fitTuning, foldOf, type FitQuestion } from './fit.js';
import { computeMetrics, firstHitRank, isHit, keyFactsStated, type EvalMetrics, type QuestionResult } from './metrics.js';
import { readQuestions, type EvalQuestion } from './questions.js';

/** One line of the results file. */
export interface EvalRecord {
  id: string;
  question: string;
  status: Answer['status'];
  rank: number | null;
  /** The fold the question was held out in (cross-validation), or null. */
  fold: number | null;
  /** Statements from the checklist data (indicator answers). */
  facts: string[];
  /** The LLM's verified sentences, when a model is configured and its answer passed. */
  written?: string[];
  quotes: string[];
  citations: { source: string; section: string; page: number | null }[];
  keyFacts: boolean | null;
  diagnostics?: unknown;
}

export interface EvalReport {
  label: string;
  metrics: EvalMetrics;
}

export interface EvalRun {
  /** The shipped tuning on every question (or, with cv, the held-out folds). */
  reports: EvalReport[];
  records: EvalRecord[];
  misses: { id: string; rank: number | null }[];
  wrongRefusals: string[];
  missedRefusals: string[];
}

export interface EvalOptions {
  corpora: readonly string[];
  questionsFile: string;
  /** k-fold cross-validation: fit on k−1 folds, score the held-out fold. */
  cv?: number;
  /** Keep each stage's diagnostics in the records. */
  explain?: boolean;
  /** The target the fitting script uses (see src/cli/fit.ts). */
  targetFalseRefusal?: number;
  /** Checklist data (CHECKLIST_DIR): indicator questions are answered from it, as in the chat. */
  checklistDir?: string;
  /** An LLM (LLM_*): answers are the model's verified sentences where it gives them, as in the chat. */
  writer?: GroundedWriter | null;
  /** A rerank service (RERANK_*), as in the chat. */
  reranker?: Reranker | null;
  /** The embedder the index is built with (EMBEDDINGS_* or the local one), as in the chat. */
  embedder?: IdentifiedEmbeddings;
}

/** The same label from the configuration alone, before any service is reached (npm run bench). */
export function configuredPipelineLabel(config: Pick<Config, 'embeddings' | 'rerank' | 'llm'>): string {
  const embedder = config.embeddings ? `remote:${config.embeddings.model}` : new LocalHashEmbeddings().identity.id;
  return `pipeline: embeddings ${embedder}, rerank ${config.rerank?.model ?? 'none'}, llm ${config.llm?.model ?? 'none'}`;
}

/** What a run measured with: printed above the figures, so a deployment's numbers name its models. */
export function pipelineLabel(options: Pick<EvalOptions, 'writer' | 'reranker' | 'embedder'>): string {
  const embedder = options.embedder?.identity.id ?? new LocalHashEmbeddings().identity.id;
  return `pipeline: embeddings ${embedder}, rerank ${options.reranker?.model ?? 'none'}, llm ${options.writer?.modelId ?? 'none'}`;
}

/** The indicator answers over a checklist folder, or null when it has no names data. */
export function indicatorAnswers(checklistDir: string | undefined): IndicatorAnswers | null {
  if (!checklistDir) return null;
  const checklists = loadChecklists(checklistDir);
  const names = loadIndicatorNames(checklistDir, checklists);
  return names ? new IndicatorAnswers(checklists, names, loadEvaluations(checklistDir, checklists)) : null;
}

/** What an answer states, for the key-facts metric: the data's facts and the quotes. */
export function answerText(answer: Answer): string {
  return [...(answer.written?.sentences ?? []).map((x) => x.text), ...(answer.facts ?? []).map((f) => f.text), ...answer.quotes.map((x) => x.text)].join('\n');
}

/** A fresh index of the corpus folders in a temporary directory, with the chat's answering pipeline over it. */
export async function withEvalIndex<T>(
  corpora: readonly string[],
  work: (pipeline: AnswerPipeline) => Promise<T>,
  options: PipelineOptions = {},
  embedder: IdentifiedEmbeddings = new LocalHashEmbeddings(),
): Promise<T> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'junheng-eval-'));
  try {
    await runIngest({ dirs: corpora, indexDir: dir, embedder, maxFileBytes: 1024 ** 3 });
    const index = PassageIndex.open(dir, embedder);
    try {
      return await work(new AnswerPipeline(index, options));
    } finally {
      index.close();
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** Gold documents are named by file name; the index names sources by path (prefixed by the folder when there are several). */
export function goldSource(source: string): string {
  return source.split('/').at(-1)!;
}

export interface PreparedQuestion {
  q: EvalQuestion;
  prepared: Prepared;
  hits: Set<number>;
  /** The peer: plain BM25 over character bigrams of the question, its top passage shown as the answer. */
  peer: { rank: number | null; keyFacts: boolean | null };
}

export async function prepareQuestions(pipeline: AnswerPipeline, questions: readonly EvalQuestion[]): Promise<PreparedQuestion[]> {
  const out: PreparedQuestion[] = [];
  for (const q of questions) {
    const prepared = await pipeline.prepare(q.question);
    const source = (id: number) => {
      const p = pipeline.index.passage(id);
      return p ? { source: goldSource(p.source), text: p.text } : null;
    };
    const hits = new Set(
      prepared.candidates
        .filter((c) => {
          const s = source(c.id);
          return s !== null && isHit(s, q.gold);
        })
        .map((c) => c.id),
    );
    const peerTop = pipeline.index.bigramSearch(q.question, 10).flatMap((h) => source(h.passageId) ?? []);
    out.push({
      q,
      prepared,
      hits,
      peer: {
        rank: q.answerable ? firstHitRank(peerTop, q.gold) : null,
        keyFacts: q.answerable && q.keywords?.length ? keyFactsStated(peerTop[0]?.text ?? '', q.keywords) : null,
      },
    });
  }
  return out;
}

async function score(
  pipeline: AnswerPipeline,
  indicators: IndicatorAnswers | null,
  writer: GroundedWriter | null,
  p: PreparedQuestion,
  tuning: Tuning,
  fold: number | null,
  explain: boolean,
): Promise<{ result: QuestionResult; record: EvalRecord }> {
  const outcome = await pipeline.decideReranked(p.prepared, tuning);
  const composed = pipeline.compose(p.prepared, outcome);
  const extractive = indicators ? indicators.finish(p.prepared.plan, composed) : composed;
  // With an LLM configured, the answer the chat would show: the model's verified sentences, or the extractive answer.
  const answer = writer ? await writer.improve(extractive) : extractive;
  const { q } = p;
  const r = outcome.ranked.findIndex((c) => p.hits.has(c.id));
  const rank = q.answerable ? (r >= 0 ? r + 1 : null) : null;
  const answered = answer.status === 'answered';
  const keyFacts = q.answerable && q.keywords?.length ? answered && keyFactsStated(answerText(answer), q.keywords) : null;
  const cited = answered ? answer.citations.map((c) => isHit({ source: goldSource(c.source), text: c.text }, q.gold)) : [];
  return {
    result: { answerable: q.answerable, refused: !answered, rank, keyFacts, citationHits: q.answerable ? cited.filter(Boolean).length : 0, citations: q.answerable ? cited.length : 0 },
    record: {
      id: q.id,
      question: q.question,
      status: answer.status,
      rank,
      fold,
      facts: (answer.facts ?? []).map((f) => f.text),
      ...(answer.written ? { written: answer.written.sentences.map((x) => x.text) } : {}),
      quotes: answer.quotes.map((x) => x.text),
      citations: answer.citations.map((c) => ({ source: c.source, section: c.sectionPath.join(' › '), page: c.page })),
      keyFacts,
      ...(explain
        ? {
            diagnostics: {
              plan: p.prepared.plan,
              recall: { word: p.prepared.recall.word.slice(0, 5), bigram: p.prepared.recall.bigram.slice(0, 5), vector: p.prepared.recall.vector.slice(0, 5) },
              ranked: outcome.ranked.slice(0, 5).map((c) => ({ id: c.id, hit: p.hits.has(c.id), score: Number(c.score.toFixed(4)), opening: pipeline.index.passage(c.id)?.text.slice(0, 80) ?? '', features: c.features })),
              decision: outcome.decision,
            },
          }
        : {}),
    },
  };
}

/**
 * Builds a fresh index of the corpus folders, asks every question through
 * the chat's answering pipeline, and scores ranking, refusals, key facts and
 * citations against the gold spans — with the shipped tuning, and with
 * `cv` on held-out folds of tunings fitted on the other folds.
 */
export async function runEval(options: EvalOptions): Promise<EvalRun> {
  const questions = readQuestions(options.questionsFile);
  const indicators = indicatorAnswers(options.checklistDir);
  const writer = options.writer ?? null;
  return withEvalIndex(options.corpora, async (pipeline) => {
    const prepared = await prepareQuestions(pipeline, questions);
    const reports: EvalReport[] = [];
    let records: EvalRecord[] = [];
    let results: QuestionResult[] = [];
    if (options.cv && options.cv > 1) {
      const k = options.cv;
      const scored: { result: QuestionResult; record: EvalRecord }[] = new Array(prepared.length);
      for (let fold = 0; fold < k; fold++) {
        const train: FitQuestion[] = prepared
          .filter((p) => foldOf(p.q.id, k) !== fold)
          .map((p) => ({ id: p.q.id, answerable: p.q.answerable, prepared: p.prepared, hits: p.hits }));
        const tuning = fitTuning(train, pipeline.lexicon, {
          targetFalseRefusal: options.targetFalseRefusal ?? pipeline.tuning.fit.targetFalseRefusal,
          questionsLabel: `fold ${fold}`,
          note: 'cross-validation',
        });
        for (const [i, p] of prepared.entries()) {
          if (foldOf(p.q.id, k) === fold) scored[i] = await score(pipeline, indicators, writer, p, tuning, fold, options.explain ?? false);
        }
      }
      results = scored.map((s) => s.result);
      records = scored.map((s) => s.record);
      reports.push({ label: `held-out folds (${k}-fold cross-validation)`, metrics: computeMetrics(results) });
    } else {
      const scored: { result: QuestionResult; record: EvalRecord }[] = [];
      for (const p of prepared) scored.push(await score(pipeline, indicators, writer, p, pipeline.tuning, null, options.explain ?? false));
      results = scored.map((s) => s.result);
      records = scored.map((s) => s.record);
      reports.push({ label: 'shipped tuning (corpus/lexicon/tuning.json)', metrics: computeMetrics(results) });
    }
    reports.push({
      label: 'peer: BM25 over character bigrams, top passage shown',
      metrics: computeMetrics(
        prepared.map((p) => ({ answerable: p.q.answerable, refused: false, rank: p.peer.rank, keyFacts: p.peer.keyFacts, citationHits: p.peer.rank === 1 ? 1 : 0, citations: p.q.answerable ? 1 : 0 })),
      ),
    });
    return {
      reports,
      records,
      misses: records.filter((r, i) => questions[i]!.answerable && r.rank !== 1).map((r) => ({ id: r.id, rank: r.rank })),
      wrongRefusals: records.filter((r, i) => questions[i]!.answerable && r.status !== 'answered').map((r) => r.id),
      missedRefusals: records.filter((r, i) => !questions[i]!.answerable && r.status === 'answered').map((r) => r.id),
    };
  }, { reranker: options.reranker ?? null }, options.embedder);
}
