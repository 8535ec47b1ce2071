import { spawn } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { runIngest } from '../../src/ingest/pipeline.js';
import { LocalHashEmbeddings } from '../../src/index/embedder.js';
import { RemoteEmbeddings } from '../../src/index/remoteEmbedder.js';
import { currentGeneration, generationPath, readManifest } from '../../src/index/generations.js';
import { corpusOfSeeds, repoRoot, SEEDS, tempDirsOfThisFile } from '../ingest/pipelineFixture.js';
import { OpenAIServer, reply, testEmbedding } from '../support/openaiServer.js';

const KEY = 'sk-test-SECRET-123';
const MODEL = 'test-embed';
const QUESTION = '调研报告里初中的师生比是多少？';
const { temp, track } = tempDirsOfThisFile();

const servers: OpenAIServer[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) await s.close();
});

/** `npm start`'s entry point with the embeddings service of `server`; lines go to its stdin as `feed` decides. */
function start(corpus: string, indexDir: string, server: OpenAIServer, feed: (write: (line: string) => void, stdout: () => string) => Promise<void>) {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/start.ts'], {
    cwd: repoRoot,
    env: {
      ...process.env,
      CORPUS_DIR: corpus,
      INDEX_DIR: indexDir,
      STATE_DB: `${temp('state')}/state.db`,
      LOG_LEVEL: 'debug',
      TELEGRAM_BOT_TOKEN: '',
      EMBEDDINGS_BASE_URL: server.baseURL,
      EMBEDDINGS_MODEL: MODEL,
      EMBEDDINGS_API_KEY: KEY,
    },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<number | null>((resolve, reject) => {
    child.on('error', reject);
    child.on('exit', resolve);
  });
  return (async () => {
    await feed((line) => child.stdin.write(`${line}\n`), () => stdout);
    child.stdin.end();
    return { code: await exited, stdout, stderr };
  })();
}

async function until(what: () => boolean, ms = 60_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!what()) {
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 100));
  }
}

const answers = (out: string) => out.match(/根据文件原文：\n“[^”]*1:11\.58[^”]*”\[1\]/gu) ?? [];

describe('npm start with EMBEDDINGS_* set', () => {
  it('answers from the local index at once, rebuilds with the service in the background, then answers from the new index', async () => {
    const server = await OpenAIServer.start({ dimensions: 64 });
    servers.push(server);
    const corpus = corpusOfSeeds(SEEDS.slice(0, 4));
    track(corpus);
    const indexDir = temp('index');
    const old = await runIngest({ dirs: [corpus], indexDir, embedder: new LocalHashEmbeddings(), maxFileBytes: 1e8 });
    // A slow service: the rebuild takes a few seconds.
    server.on('/v1/embeddings', (r) => {
      const input = (r.body as { input: string[] }).input;
      return reply.delayed(400, reply.json({ data: input.map((t, index) => ({ index, embedding: testEmbedding(t, 64) })) }));
    });

    const run = await start(corpus, indexDir, server, async (write, stdout) => {
      write(QUESTION);
      await until(() => answers(stdout()).length === 1);
      // Answered by the old generation: the new one is not complete yet.
      expect(currentGeneration(indexDir)).toBe(old.generation);
      await until(() => currentGeneration(indexDir) !== old.generation);
      write(QUESTION);
      await until(() => answers(stdout()).length === 2);
    });
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('向量模型已更换，正在后台用新的向量模型重建索引，建好之前先用原来的索引回答。');
    expect(run.stdout).not.toContain('正在建立索引……');
    expect(readManifest(generationPath(indexDir, currentGeneration(indexDir)!)).embedder).toEqual({ id: 'remote:test-embed', dimensions: 64 });
    expect(run.stdout + run.stderr).not.toContain(KEY);
  }, 180_000);

  it('answers from the current index when the service is down at start, and says so', async () => {
    const server = await OpenAIServer.start({ dimensions: 64 });
    servers.push(server);
    const corpus = corpusOfSeeds(SEEDS.slice(0, 4));
    track(corpus);
    const indexDir = temp('index');
    const embedder = await RemoteEmbeddings.connect({ baseURL: server.baseURL, model: MODEL, apiKey: KEY });
    await runIngest({ dirs: [corpus], indexDir, embedder, maxFileBytes: 1e8 });
    server.kill();

    const run = await start(corpus, indexDir, server, async (write, stdout) => {
      write(QUESTION);
      await until(() => answers(stdout()).length === 1);
    });
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`向量服务连接失败（test-embed，${server.baseURL}）：连不上服务。索引没有更新，继续使用原来的索引。`);
    expect(answers(run.stdout)).toHaveLength(1);
    expect(run.stdout + run.stderr).not.toContain(KEY);
  }, 120_000);
});
