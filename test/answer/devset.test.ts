import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ExtractiveAnswerer } from '../../src/answer/extractive.js';
import { PassageRetriever } from '../../src/answer/retriever.js';
import { readQuestions } from '../../src/eval/questions.js';
import { runEval } from '../../src/eval/run.js';
import { runIngest } from '../../src/ingest/pipeline.js';
import { LocalHashEmbeddings } from '../../src/index/embedder.js';
import { PassageIndex } from '../../src/index/reader.js';
import { sharedDir } from '../helpers/shared.js';
import { seedsDir, tempDir } from '../ingest/pipelineFixture.js';

const devFile = `${sharedDir}/eval/dev.jsonl`;
const questions = readQuestions(devFile);
const indexDir = tempDir('answer-index');
let index: PassageIndex;
let answerer: ExtractiveAnswerer;

beforeAll(async () => {
  const embedder = new LocalHashEmbeddings();
  await runIngest({ dirs: [seedsDir], indexDir, embedder, maxFileBytes: 100 * 1024 * 1024 });
  index = PassageIndex.open(indexDir, embedder);
  answerer = new ExtractiveAnswerer(new PassageRetriever(index));
});
afterAll(() => {
  index.close();
  fs.rmSync(indexDir, { recursive: true, force: true });
});

/** Figures as the documents write them: 1448, 1.61, 1:11.58, 95%, 2013—2017 … (NFKC, no grouping commas). */
function figures(text: string): string[] {
  return text.normalize('NFKC').match(/\d+(?:[.:]\d+)*%?/g) ?? [];
}

describe('extractive answers over the dev set', () => {
  it('states no figure that is not in one of its cited passages', async () => {
    let checked = 0;
    for (const q of questions) {
      const a = await answerer.answer(q.question);
      if (a.refused) continue;
      const body = a.text.split('\n出处：')[0]!.replace(/\[\d+\]/g, '');
      const cited = a.citations.map((c) => c.text.normalize('NFKC')).join('\n');
      for (const f of figures(body)) {
        expect(cited, `${q.id}: figure ${f}`).toContain(f);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(30);
  });

  it('quotes each answer verbatim from the passage it cites', async () => {
    for (const q of questions.filter((x) => x.answerable)) {
      const a = await answerer.answer(q.question);
      const quotes = [...a.text.matchAll(/“(.+?)”\[(\d+)\]/gsu)];
      expect(quotes.length, q.id).toBeGreaterThan(0);
      for (const [, quote, n] of quotes) expect(a.citations[Number(n) - 1]!.text, q.id).toContain(quote);
    }
  });

  it('refuses each unanswerable question in Chinese and offers the closest sections', async () => {
    for (const q of questions.filter((x) => !x.answerable)) {
      const a = await answerer.answer(q.question);
      expect(a.refused, q.id).toBe(true);
      expect(a.text).toMatch(/文件里没有找到/);
      expect(a.citations).toEqual([]);
      expect(a.suggestions.length).toBeGreaterThan(0);
    }
  });
});

describe('npm run eval on the seeds and the dev set', () => {
  it('meets the acceptance bar: recall@1 ≥ 0.90, recall@5 ≥ 0.98, all unanswerable refused, none answerable refused', async () => {
    const run = await runEval(seedsDir, devFile);
    expect(run.metrics.recallAt1).toBeGreaterThanOrEqual(0.9);
    expect(run.metrics.recallAt5).toBeGreaterThanOrEqual(0.98);
    expect(run.metrics.refusalRecall).toBe(1);
    expect(run.metrics.falseRefusalRate).toBe(0);
    expect(run.records).toHaveLength(questions.length);
    const first = run.records[0]!;
    expect(first.passages.length).toBe(10);
    expect(first.passages[0]).toEqual(expect.objectContaining({ source: expect.any(String), section: expect.any(String), text: expect.any(String), score: expect.any(Number) }));
  });
});
