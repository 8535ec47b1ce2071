import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ExtractiveAnswerer } from '../answer/extractive.js';
import { PassageRetriever } from '../answer/retriever.js';
import { runIngest } from '../ingest/pipeline.js';
import { LocalHashEmbeddings } from '../index/embedder.js';
import { PassageIndex } from '../index/reader.js';
import { computeMetrics, firstHitRank, type EvalMetrics, type QuestionResult } from './metrics.js';
import { readQuestions } from './questions.js';

/** One line of the results file. */
export interface EvalRecord {
  id: string;
  passages: { source: string; section: string; page: number | null; text: string; score: number }[];
  answer: string;
  refused: boolean;
  citations: { source: string; section: string; page: number | null; text: string }[];
}

export interface EvalRun {
  metrics: EvalMetrics;
  records: EvalRecord[];
  /** Answerable questions whose first hit is not at rank 1 (id → rank or null). */
  misses: { id: string; rank: number | null }[];
  wrongRefusals: string[];
  missedRefusals: string[];
}

/**
 * Builds a fresh index of the corpus folder in a temporary directory, asks
 * every question, and scores ranking and refusals against the gold spans.
 */
export async function runEval(corpusDir: string, questionsFile: string): Promise<EvalRun> {
  const questions = readQuestions(questionsFile);
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'junheng-eval-'));
  try {
    const embedder = new LocalHashEmbeddings();
    await runIngest({ dirs: [corpusDir], indexDir: work, embedder, maxFileBytes: 1024 ** 3 });
    const index = PassageIndex.open(work, embedder);
    const retriever = new PassageRetriever(index);
    const answerer = new ExtractiveAnswerer(retriever);
    const records: EvalRecord[] = [];
    const results: QuestionResult[] = [];
    const misses: EvalRun['misses'] = [];
    for (const q of questions) {
      const retrieved = await retriever.retrieve(q.question, 10);
      const answer = answerer.answerFrom(q.question, retrieved);
      const rank = q.answerable ? firstHitRank(retrieved.map((r) => r.passage), q.gold) : null;
      if (q.answerable && rank !== 1) misses.push({ id: q.id, rank });
      results.push({ answerable: q.answerable, refused: answer.refused, rank });
      records.push({
        id: q.id,
        passages: retrieved.map((r) => ({
          source: r.passage.source,
          section: r.passage.sectionPath.join(' › '),
          page: r.passage.page,
          text: r.passage.text,
          score: Number(r.score.toFixed(4)),
        })),
        answer: answer.text,
        refused: answer.refused,
        citations: answer.citations.map((c) => ({ source: c.source, section: c.sectionPath.join(' › '), page: c.page, text: c.text })),
      });
    }
    index.close();
    return {
      metrics: computeMetrics(results),
      records,
      misses,
      wrongRefusals: questions.filter((q, i) => q.answerable && results[i]!.refused).map((q) => q.id),
      missedRefusals: questions.filter((q, i) => !q.answerable && !results[i]!.refused).map((q) => q.id),
    };
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}
