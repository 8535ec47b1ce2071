import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, type App } from '../../src/chat/app.js';
import { loadConfig } from '../../src/config.js';
import { LocalHashEmbeddings } from '../../src/index/embedder.js';
import { runIngest } from '../../src/ingest/pipeline.js';
import { capturedLog } from '../support/capturedLog.js';
import { firstSentenceOfMaterialOne } from '../support/groundedModel.js';
import { OpenAIServer, reply } from '../support/openaiServer.js';
import { repoRoot, standardsCorpus } from '../ingest/pipelineFixture.js';

const QUESTION = '优质均衡的校际差异系数小学不能超过多少';
const KEY = 'sk-test-SECRET-chat-9';

let server: OpenAIServer;
let work: string;
let indexDir: string;
const embedder = new LocalHashEmbeddings();

beforeAll(async () => {
  server = await OpenAIServer.start();
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'junheng-llm-chat-'));
  indexDir = path.join(work, 'index');
  await runIngest({ dirs: [standardsCorpus()], indexDir, embedder, maxFileBytes: 1e7 });
});
afterAll(async () => {
  await server.close();
  fs.rmSync(work, { recursive: true, force: true });
});

function app(env: Record<string, string>, log = capturedLog().log): App {
  const config = loadConfig({ INDEX_DIR: indexDir, CHECKLIST_DIR: path.join(repoRoot, 'corpus/checklists'), STATE_DB: path.join(work, `${Math.random()}.db`), ...env }, work);
  return createApp(config, embedder, log);
}
const text = async (a: App, q: string) => (await a.engine.handle('u1', { kind: 'text', text: q })).map((r) => r.text).join('\n');

describe('the chat with an LLM configured', () => {
  const llm = { LLM_BASE_URL: '', LLM_MODEL: 'chat-test-model', LLM_API_KEY: KEY };

  it('shows the model\'s verified sentence with its mark, the quotes and the sources; logs it as verified', async () => {
    server.on('/v1/chat/completions', firstSentenceOfMaterialOne);
    const captured = capturedLog();
    const a = app({ ...llm, LLM_BASE_URL: server.baseURL }, captured.log);
    try {
      const shown = await text(a, QUESTION);
      expect(shown).toContain('根据下列出处整理（每句的数字都已与原文核对）：');
      expect(shown).toMatch(/\[1\]。/u);
      expect(shown).toContain('出处：');
      expect(captured.lines.some((l) => l['msg'] === 'llm answer verified')).toBe(true);
      expect(captured.raw()).not.toContain(KEY);
    } finally {
      a.close();
    }
  });

  it('a rejected answer (a figure in no passage, twice) shows exactly the extractive answer', async () => {
    server.on('/v1/chat/completions', () => reply.chat('小学每项差异系数不能超过0.99[1]。'));
    const captured = capturedLog();
    const withModel = app({ ...llm, LLM_BASE_URL: server.baseURL }, captured.log);
    const without = app({});
    try {
      const shown = await text(withModel, QUESTION);
      expect(shown).toBe(await text(without, QUESTION));
      expect(shown).not.toContain('0.99');
      expect(captured.lines.filter((l) => l['msg'] === 'llm answer rejected')).toHaveLength(2);
    } finally {
      withModel.close();
      without.close();
    }
  });
});
