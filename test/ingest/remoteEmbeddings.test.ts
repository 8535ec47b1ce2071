import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createApp, type App } from '../../src/chat/app.js';
import type { Reply } from '../../src/chat/types.js';
import { loadConfig, type Config } from '../../src/config.js';
import { EmbeddingServiceError } from '../../src/errors.js';
import { runIngestIsolated } from '../../src/ingest/isolated.js';
import { runIngest } from '../../src/ingest/pipeline.js';
import { LocalHashEmbeddings, type IdentifiedEmbeddings } from '../../src/index/embedder.js';
import { configuredEmbedder, currentIndexSearchable, embedderOfCurrentIndex } from '../../src/index/embedderChoice.js';
import { EMBEDDER_CHANGED, staleReason } from '../../src/index/freshness.js';
import { currentGeneration, generationPath, readManifest } from '../../src/index/generations.js';
import { RemoteEmbeddings } from '../../src/index/remoteEmbedder.js';
import { capturedLog, everythingOf, rejection } from '../support/capturedLog.js';
import { OpenAIServer, reply, testEmbedding, type RecordedRequest } from '../support/openaiServer.js';
import { corpusOfSeeds, repoRoot, SEEDS, seedsDir, tempDirsOfThisFile } from './pipelineFixture.js';

const KEY = 'sk-test-SECRET-123';
const MODEL = 'test-embed';
const MAX = 100 * 1024 * 1024;
const QUESTION = '调研报告里初中的师生比是多少？';
const { temp, track } = tempDirsOfThisFile();

const servers: OpenAIServer[] = [];
const apps: App[] = [];
afterEach(async () => {
  for (const a of apps.splice(0)) a.close();
  for (const s of servers.splice(0)) await s.close();
});

async function service(): Promise<OpenAIServer> {
  const s = await OpenAIServer.start({ dimensions: 64 });
  servers.push(s);
  return s;
}

/** The configuration `npm start` would read, with the embeddings service of `server`. */
function configFor(indexDir: string, server: OpenAIServer | null): Config {
  const env: Record<string, string> = { INDEX_DIR: indexDir, CHECKLIST_DIR: path.join(repoRoot, 'corpus/checklists') };
  if (server) Object.assign(env, { EMBEDDINGS_BASE_URL: server.baseURL, EMBEDDINGS_MODEL: MODEL, EMBEDDINGS_API_KEY: KEY });
  return loadConfig(env, temp('cwd'));
}

function appOf(config: Config, embedder: IdentifiedEmbeddings, log = capturedLog().log): App {
  const app = createApp(config, embedder, log);
  apps.push(app);
  return app;
}

const ask = async (app: App, text = QUESTION) => (await app.engine.handle('bob', { kind: 'text', text })).map((r: Reply) => r.text).join('\n');

function expectCitedAnswer(text: string): void {
  expect(text).toMatch(/根据文件原文：\n“[^”]*1:11\.58[^”]*”\[1\]/u);
  expect(text).toMatch(/出处：\n\[1\] 《.+》/u);
}

const inputsOf = (r: RecordedRequest) => (r.body as { input: string[] }).input;
const embedderOfManifest = (indexDir: string) => readManifest(generationPath(indexDir, currentGeneration(indexDir)!)).embedder;

describe('an index built with a remote embeddings service', () => {
  it('is built through the isolated ingest the bot uses (batched, key only in headers) and answers with the service embedding the question', async () => {
    const server = await service();
    const corpus = corpusOfSeeds(SEEDS.slice(0, 4));
    track(corpus);
    const indexDir = temp('index');
    const config = configFor(indexDir, server);
    const { log, raw } = capturedLog();
    const embedder = await configuredEmbedder(config, log);
    expect(embedder).toBeInstanceOf(RemoteEmbeddings);

    const summary = await runIngestIsolated({ dirs: [corpus], indexDir, embedder, maxFileBytes: MAX });
    expect(summary.indexed).toBe(4);
    expect(embedderOfManifest(indexDir)).toEqual({ id: 'remote:test-embed', dimensions: 64 });
    const built = server.requestsTo('/v1/embeddings');
    // The probe, then the child's batches of at most 32 passages, every one with the key as a Bearer token.
    expect(built.slice(1).map(inputsOf).flat()).toHaveLength(summary.passages);
    expect(Math.max(...built.map((r) => inputsOf(r).length))).toBeLessThanOrEqual(32);
    expect(built.every((r) => r.headers.authorization === `Bearer ${KEY}`)).toBe(true);

    const app = appOf(config, embedder, log);
    expectCitedAnswer(await ask(app));
    const asked = server.requestsTo('/v1/embeddings').slice(built.length);
    expect(asked.map((r) => inputsOf(r).length)).toEqual([1]);
    expect(raw()).not.toContain(KEY);
  });

  it('after a switch from the local embedder, builds a new generation while the old one keeps answering', async () => {
    const server = await service();
    const corpus = corpusOfSeeds(SEEDS.slice(0, 4));
    track(corpus);
    const indexDir = temp('index');
    const old = await runIngest({ dirs: [corpus], indexDir, embedder: new LocalHashEmbeddings(), maxFileBytes: MAX });
    const config = configFor(indexDir, server);
    const embedder = await configuredEmbedder(config);
    expect(staleReason(indexDir, [corpus], embedder)).toBe(EMBEDDER_CHANGED);
    expect(currentIndexSearchable(indexDir, embedder)).toBe(true);

    const app = appOf(config, embedder);
    const probes = server.requests.length;
    expectCitedAnswer(await ask(app));
    // The old generation's vectors are the local embedder's: its questions are embedded locally.
    expect(server.requests).toHaveLength(probes);

    // A slow service, so the rebuild takes long enough to ask questions meanwhile.
    const fast = server.requests.length;
    server.on('/v1/embeddings', (r) => reply.delayed(150, reply.json({ data: inputsOf(r).map((t, index) => ({ index, embedding: testEmbedding(t, 64) })) })));
    let done = false;
    const run = runIngestIsolated({ dirs: [corpus], indexDir, embedder, maxFileBytes: MAX }).finally(() => (done = true));
    // The child switches the generation a moment before its promise settles here: a question in that
    // moment may already see the new, complete generation. What must never be seen is anything else.
    let answeredFromOld = 0;
    const seen = new Set<string | null>();
    while (!done) {
      const text = await ask(app);
      if (done) break;
      expectCitedAnswer(text);
      const generation = currentGeneration(indexDir);
      seen.add(generation);
      if (generation === old.generation) answeredFromOld++;
      await new Promise((r) => setTimeout(r, 100));
    }
    const summary = await run;
    expect(answeredFromOld).toBeGreaterThan(3);
    expect([...seen].every((g) => g === old.generation || g === summary.generation)).toBe(true);
    // Every passage was embedded again by the service.
    expect(server.requests.slice(fast).map(inputsOf).flat()).toHaveLength(summary.passages);
    expect(summary.generation).not.toBe(old.generation);
    expect(currentGeneration(indexDir)).toBe(summary.generation);
    expect(embedderOfManifest(indexDir)).toEqual(embedder.identity);
    expect(staleReason(indexDir, [corpus], embedder)).toBeNull();

    // The next question is answered from the new generation: the service embeds it.
    const before = server.requests.length;
    await ask(app, '课后服务');
    expect(server.requests.slice(before).map(inputsOf)).toEqual([[expect.stringContaining('课后服务')]]);
  }, 120_000);

  it('keeps the old index current and answering when the service dies in the middle of an ingest', async () => {
    const server = await service();
    const corpus = corpusOfSeeds(SEEDS.slice(0, 4));
    track(corpus);
    const indexDir = temp('index');
    const config = configFor(indexDir, server);
    const { log, lines } = capturedLog();
    const embedder = await configuredEmbedder(config, log);
    const old = await runIngest({ dirs: [corpus], indexDir, embedder, maxFileBytes: MAX });
    fs.copyFileSync(path.join(seedsDir, SEEDS[4]!), path.join(corpus, SEEDS[4]!));

    // The bot's path: the child process fails, its error comes back as the same class.
    const before = server.requests.length;
    server.dieAfter(1);
    const e = await rejection(runIngestIsolated({ dirs: [corpus], indexDir, embedder, maxFileBytes: MAX }));
    expect(e).toBeInstanceOf(EmbeddingServiceError);
    expect((e as EmbeddingServiceError).userMessage).toBe(`向量服务连接失败（test-embed，${server.baseURL}）：连不上服务。索引没有更新，继续使用原来的索引。`);
    expect(everythingOf(e)).not.toContain(KEY);
    // One batch of the new file was embedded, the next one's connection dropped, and the retries refused.
    expect(server.requests.length - before).toBeGreaterThanOrEqual(2);
    expect(currentGeneration(indexDir)).toBe(old.generation);

    // `npm start`'s path (in this process) fails the same way.
    const again = await rejection(runIngest({ dirs: [corpus], indexDir, embedder, maxFileBytes: MAX }));
    expect((again as EmbeddingServiceError).reason).toBe('连不上服务');
    expect(currentGeneration(indexDir)).toBe(old.generation);

    // The old index still answers (the vector channel is down with the service).
    expectCitedAnswer(await ask(appOf(config, embedder, log)));
    expect(lines.filter((l) => l['level'] === 40)).toHaveLength(1);
  }, 120_000);

  it('answers from the keyword channels while the service is down at question time, with one warning and no key in the log', async () => {
    const server = await service();
    const corpus = corpusOfSeeds(SEEDS.slice(0, 4));
    track(corpus);
    const indexDir = temp('index');
    const config = configFor(indexDir, server);
    const { log, lines, raw } = capturedLog();
    const embedder = await configuredEmbedder(config, log);
    await runIngest({ dirs: [corpus], indexDir, embedder, maxFileBytes: MAX });
    server.kill();

    const app = appOf(config, embedder, log);
    const text = await ask(app);
    expectCitedAnswer(text);
    expect(text).not.toMatch(/向量|出错|失败/u);
    expect(lines).toEqual([
      expect.objectContaining({ level: 40, msg: 'embeddings service unavailable: this question is answered by the keyword channels', reason: '连不上服务', model: MODEL }),
    ]);
    expect(raw()).not.toContain(KEY);

    // A start that cannot reach the service answers from the current index with the embedder its manifest names.
    await expect(configuredEmbedder(config)).rejects.toThrow(EmbeddingServiceError);
    expect(embedderOfCurrentIndex(config)?.identity).toEqual({ id: 'remote:test-embed', dimensions: 64 });
    expect(embedderOfCurrentIndex(configFor(temp('empty-index'), null))).toBeUndefined();
  });
});
