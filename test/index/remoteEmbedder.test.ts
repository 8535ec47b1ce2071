import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EmbeddingServiceError } from '../../src/errors.js';
import { childLaunch } from '../../src/ingest/isolated.js';
import { configuredEmbedder, embedderFor, rebuildEmbedder } from '../../src/index/embedderChoice.js';
import { LocalHashEmbeddings } from '../../src/index/embedder.js';
import { REMOTE_DEFAULTS, RemoteEmbeddings, type RemoteEmbeddingsSettings } from '../../src/index/remoteEmbedder.js';
import { capturedLog, everythingOf, rejection as caught } from '../support/capturedLog.js';
import { OpenAIServer, reply, testEmbedding } from '../support/openaiServer.js';

const KEY = 'sk-test-SECRET-123';
const MODEL = 'test-embed';

let server: OpenAIServer;
beforeEach(async () => {
  server = await OpenAIServer.start({ dimensions: 48 });
});
afterEach(async () => {
  await server.close();
});

const service = () => ({ baseURL: server.baseURL, model: MODEL, apiKey: KEY });
const settings = (o: Partial<RemoteEmbeddingsSettings>): RemoteEmbeddingsSettings => ({ ...REMOTE_DEFAULTS, baseURL: server.baseURL, model: MODEL, ...o });

describe('RemoteEmbeddings', () => {
  it('learns its dimension from one probe request and names itself remote:<model>', async () => {
    const e = await RemoteEmbeddings.connect(service());
    expect(e.identity).toEqual({ id: 'remote:test-embed', dimensions: 48 });
    expect(server.requestsTo('/v1/embeddings')).toHaveLength(1);
    expect(server.requests[0]!.body).toMatchObject({ model: MODEL, input: [expect.any(String)], encoding_format: 'float' });
  });

  it('sends batches of at most batchSize texts, never more than `concurrency` requests at once, and keeps the input order', async () => {
    server.on('/v1/embeddings', async (r) => {
      await new Promise((res) => setTimeout(res, 40));
      const input = (r.body as { input: string[] }).input;
      return reply.json({ object: 'list', data: input.map((t, index) => ({ object: 'embedding', index, embedding: testEmbedding(t, 48) })).reverse(), model: MODEL });
    });
    const e = new RemoteEmbeddings(settings({ timeoutMs: 5000, maxRetries: 0, batchSize: 8, concurrency: 2, queryTimeoutMs: 1000 }), 48, KEY);
    const texts = Array.from({ length: 100 }, (_, i) => `第${i}条 义务教育学校办学条件 ${i}`);
    const vectors = await e.embedDocuments(texts);

    const sent = server.requestsTo('/v1/embeddings').map((r) => (r.body as { input: string[] }).input);
    expect(sent).toHaveLength(13);
    expect(Math.max(...sent.map((s) => s.length))).toBe(8);
    expect(sent.flat().sort()).toEqual([...texts].sort());
    expect(server.maxConcurrent('/v1/embeddings')).toBe(2);
    // The service answered each batch in reverse: the vectors are still in input order.
    expect(vectors).toEqual(texts.map((t) => testEmbedding(t, 48)));
  });

  it('retries a 429 after the Retry-After wait and then succeeds', async () => {
    server.script('/v1/embeddings', reply.rateLimited(1));
    const e = new RemoteEmbeddings(settings({ timeoutMs: 5000, maxRetries: 2, batchSize: 32, concurrency: 2, queryTimeoutMs: 1000 }), 48, KEY);
    const vectors = await e.embedDocuments(['生均教学仪器设备值']);
    const [first, second] = server.requestsTo('/v1/embeddings');
    expect(vectors).toEqual([testEmbedding('生均教学仪器设备值', 48)]);
    expect(second!.at - first!.at).toBeGreaterThanOrEqual(950);
  });

  it('gives up on a service that answers 500 forever after a bounded number of attempts, with a Chinese message', async () => {
    server.on('/v1/embeddings', () => reply.status(500, `internal error, your key was ${KEY}`));
    const e = new RemoteEmbeddings(settings({ timeoutMs: 5000, maxRetries: 2, batchSize: 32, concurrency: 2, queryTimeoutMs: 1000 }), 48, KEY);
    const err = await caught(e.embedDocuments(['a', 'b']));
    expect(err).toBeInstanceOf(EmbeddingServiceError);
    expect((err as EmbeddingServiceError).userMessage).toBe(
      `向量服务连接失败（test-embed，${server.baseURL}）：服务内部出错（HTTP 500）。索引没有更新，继续使用原来的索引。`,
    );
    expect(server.requestsTo('/v1/embeddings')).toHaveLength(3);
    // The service echoed the key: it is redacted from the technical message too.
    expect(everythingOf(err)).not.toContain(KEY);
    expect((err as Error).message).toContain('[redacted]');
  });

  it('reports malformed JSON, a wrong number of vectors and a wrong dimension as typed errors, without retrying', async () => {
    const e = new RemoteEmbeddings(settings({ timeoutMs: 5000, maxRetries: 2, batchSize: 32, concurrency: 2, queryTimeoutMs: 1000 }), 48, KEY);
    server.script('/v1/embeddings', reply.malformed());
    expect(((await caught(e.embedDocuments(['a']))) as EmbeddingServiceError).reason).toBe('返回的数据不是有效的 JSON');
    server.script('/v1/embeddings', reply.json({ data: [{ index: 0, embedding: 'not a vector' }] }));
    expect(((await caught(e.embedDocuments(['a']))) as EmbeddingServiceError).reason).toBe('返回的数据格式不对');
    server.script('/v1/embeddings', reply.json({ data: [{ index: 0, embedding: testEmbedding('a', 48) }] }));
    expect(((await caught(e.embedDocuments(['a', 'b']))) as EmbeddingServiceError).reason).toBe('返回的向量个数不对');
    server.script('/v1/embeddings', reply.json({ data: [{ index: 0, embedding: testEmbedding('a', 12) }] }));
    expect(((await caught(e.embedDocuments(['a']))) as EmbeddingServiceError).reason).toBe('返回的向量维数是 12，应为 48');
    expect(server.requestsTo('/v1/embeddings')).toHaveLength(4);
  });

  it('gives up on a reply slower than the timeout, and on a service that is gone', async () => {
    server.on('/v1/embeddings', () => reply.hang());
    const e = new RemoteEmbeddings(settings({ timeoutMs: 300, maxRetries: 1, batchSize: 32, concurrency: 2, queryTimeoutMs: 200 }), 48, KEY);
    const started = performance.now();
    const slow = await caught(e.embedDocuments(['a']));
    expect((slow as EmbeddingServiceError).reason).toBe('等待超过 0.3 秒没有回应');
    expect(performance.now() - started).toBeLessThan(5000);
    expect(server.requestsTo('/v1/embeddings')).toHaveLength(2);

    server.kill();
    const gone = await caught(e.embedDocuments(['a']));
    expect(gone).toBeInstanceOf(EmbeddingServiceError);
    expect((gone as EmbeddingServiceError).reason).toBe('连不上服务');
  });

  it('sends the key as a Bearer token, and none at all without a key', async () => {
    await (await RemoteEmbeddings.connect(service())).embedQuery('学校');
    await (await RemoteEmbeddings.connect({ ...service(), apiKey: null })).embedQuery('学校');
    const auth = server.requestsTo('/v1/embeddings').map((r) => r.headers.authorization);
    expect(auth).toEqual([`Bearer ${KEY}`, `Bearer ${KEY}`, undefined, undefined]);
  });

  it('logs a failed question embedding once, as a warning without the key, and throws the typed error', async () => {
    const { log, lines, raw } = capturedLog();
    const e = await RemoteEmbeddings.connect(service(), { queryTimeoutMs: 500 }, log);
    server.on('/v1/embeddings', () => reply.status(503, `down; key ${KEY}`));
    const err = await caught(e.embedQuery('课后服务'));
    expect(err).toBeInstanceOf(EmbeddingServiceError);
    expect(lines).toEqual([expect.objectContaining({ level: 40, msg: 'embeddings service unavailable: this question is answered by the keyword channels', reason: '服务内部出错（HTTP 503）' })]);
    expect(raw()).not.toContain(KEY);
    expect(JSON.stringify(e)).not.toContain(KEY);
  });

  it('after a failed question, skips the service for a while instead of making every question wait, then tries again', async () => {
    const { log, lines } = capturedLog();
    const e = new RemoteEmbeddings(settings({ queryTimeoutMs: 200, queryPauseMs: 600 }), 48, KEY, log);
    server.on('/v1/embeddings', () => reply.hang());
    await caught(e.embedQuery('校医'));
    const waited = server.requests.length;
    const started = performance.now();
    const skipped = await caught(e.embedQuery('校医'));
    expect(skipped).toBeInstanceOf(EmbeddingServiceError);
    expect(performance.now() - started).toBeLessThan(100);
    expect(server.requests).toHaveLength(waited);
    // One warning per question, the skipped one too.
    expect(lines.filter((l) => l['level'] === 40)).toHaveLength(2);

    await new Promise((r) => setTimeout(r, 650));
    server.on('/v1/embeddings', (r) => reply.json({ data: [{ index: 0, embedding: testEmbedding(String((r.body as { input: string[] }).input[0]), 48) }] }));
    expect(await e.embedQuery('校医')).toEqual(testEmbedding('校医', 48));
  });
});

describe('choosing and rebuilding the embedder', () => {
  it('uses the local embedder without EMBEDDINGS_*, and the remote service when they are set', async () => {
    expect((await configuredEmbedder({ embeddings: null })).identity).toEqual(new LocalHashEmbeddings().identity);
    expect((await configuredEmbedder({ embeddings: service() })).identity).toEqual({ id: 'remote:test-embed', dimensions: 48 });
  });

  it('rebuilds an embedder from its identity: local always, remote only with the same model settings', () => {
    const local = new LocalHashEmbeddings(256);
    expect(rebuildEmbedder(local.identity)?.identity).toEqual(local.identity);
    const remote = { settings: settings({}), apiKey: KEY };
    expect(rebuildEmbedder({ id: 'remote:test-embed', dimensions: 48 })).toBeUndefined();
    expect(rebuildEmbedder({ id: 'remote:other', dimensions: 48 }, remote)).toBeUndefined();
    expect(rebuildEmbedder({ id: 'remote:test-embed', dimensions: 48 }, remote)?.identity).toEqual({ id: 'remote:test-embed', dimensions: 48 });
  });

  it('searches an old generation with the embedder that built it', async () => {
    const remote = await RemoteEmbeddings.connect(service());
    expect(embedderFor(remote.identity, remote)).toBe(remote);
    expect(embedderFor(new LocalHashEmbeddings().identity, remote)).toBeInstanceOf(LocalHashEmbeddings);
    expect(embedderFor({ id: 'remote:gone-model', dimensions: 1024 }, remote)).toBeUndefined();
  });

  it('hands a remote embedder to the ingest child with the key in its environment only, never in the message', async () => {
    const remote = await RemoteEmbeddings.connect(service());
    const { request, env } = childLaunch({ dirs: ['/c'], indexDir: '/i', embedder: remote, maxFileBytes: 1 });
    expect(request.embedder).toEqual(remote.identity);
    expect(request.remote).toMatchObject({ baseURL: server.baseURL, model: MODEL });
    expect(JSON.stringify(request)).not.toContain(KEY);
    expect(env['EMBEDDINGS_API_KEY']).toBe(KEY);
    const local = childLaunch({ dirs: ['/c'], indexDir: '/i', embedder: new LocalHashEmbeddings(), maxFileBytes: 1 });
    expect(local.request.remote).toBeUndefined();
    expect(local.env['EMBEDDINGS_API_KEY']).toBeUndefined();
  });
});
