import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GroundedWriter, OpenAIChatModel } from '../../src/answer/llm.js';
import { pipelineLabel, runEval } from '../../src/eval/run.js';
import { loadLexicon } from '../../src/answer/lexicon.js';
import { NumberWords } from '../../src/answer/numberTokens.js';

const numberWords = new NumberWords(loadLexicon().numeralIdioms);
import { capturedLog } from '../support/capturedLog.js';
import { firstSentenceOfMaterialOne } from '../support/groundedModel.js';
import { OpenAIServer, reply } from '../support/openaiServer.js';
import { standardsCorpus } from '../ingest/pipelineFixture.js';

/** Questions in the shared format, in this test's own words, over the project's restatement. */
const QUESTIONS = [
  { id: 'q1', question: '初中生均体育运动场馆面积要达到多少？', answerable: true, gold: [{ doc: '国家督导评估标准整理稿.md', span: '初中不少于10.2平方米' }], keywords: ['10.2'] },
  { id: 'q2', question: '优质均衡对小学校际差异系数的上限是多少？', answerable: true, gold: [{ doc: '国家督导评估标准整理稿.md', span: '小学每项不高于0.50' }], keywords: ['0.50'] },
];

let server: OpenAIServer;
let questionsFile: string;
beforeAll(async () => {
  server = await OpenAIServer.start();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'junheng-eval-llm-'));
  questionsFile = path.join(dir, 'questions.jsonl');
  fs.writeFileSync(questionsFile, QUESTIONS.map((q) => JSON.stringify(q)).join('\n') + '\n');
});
afterAll(async () => {
  await server.close();
});

const writer = () => new GroundedWriter(new OpenAIChatModel({ baseURL: server.baseURL, model: 'eval-test-model', apiKey: null, timeoutMs: 5000 }), 5000, numberWords, capturedLog().log);

describe('npm run eval with an LLM configured', () => {
  it('answers through the model as the chat does, scores its verified sentences, and names the model', async () => {
    server.on('/v1/chat/completions', firstSentenceOfMaterialOne);
    const w = writer();
    const run = await runEval({ corpora: [standardsCorpus()], questionsFile, writer: w });
    const answered = run.records.filter((r) => r.status === 'answered');
    expect(answered.length).toBeGreaterThan(0);
    expect(answered.every((r) => (r.written ?? []).length > 0)).toBe(true);
    expect(server.requestsTo('/v1/chat/completions').length).toBeGreaterThanOrEqual(answered.length);
    expect(pipelineLabel({ writer: w })).toBe('pipeline: embeddings local-hash-v1, rerank none, llm eval-test-model');
  });

  it('a model whose every answer fails verification leaves the figures exactly as without a model', async () => {
    server.on('/v1/chat/completions', () => reply.chat('初中生均体育运动场馆面积不少于99平方米[1]。'));
    const withModel = await runEval({ corpora: [standardsCorpus()], questionsFile, writer: writer() });
    const without = await runEval({ corpora: [standardsCorpus()], questionsFile });
    expect(withModel.reports[0]!.metrics).toEqual(without.reports[0]!.metrics);
    expect(withModel.records.every((r) => r.written === undefined)).toBe(true);
    expect(pipelineLabel({})).toBe('pipeline: embeddings local-hash-v1, rerank none, llm none');
  });
});
