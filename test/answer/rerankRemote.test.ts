import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RemoteReranker, rerankCandidates, rerankerFromConfig, reorderByScores, type Reranker } from '../../src/answer/rerankRemote.js';
import { loadConfig } from '../../src/config.js';
import { capturedLog } from '../support/capturedLog.js';
import { OpenAIServer, reply } from '../support/openaiServer.js';

const KEY = 'sk-test-SECRET-123';
const MODEL = 'test-rerank';

describe('reorderByScores', () => {
  it('puts scored candidates first, best first, and the unscored ones after them in their order', () => {
    expect(reorderByScores(['a', 'b', 'c', 'd', 'e'], [0.1, null, 0.9, 0.5, null])).toEqual(['c', 'd', 'a', 'b', 'e']);
  });

  it('keeps the given order for equal scores, and everything as it was when the service failed', () => {
    expect(reorderByScores(['a', 'b', 'c'], [0.5, 0.7, 0.5])).toEqual(['b', 'a', 'c']);
    expect(reorderByScores(['a', 'b', 'c'], null)).toEqual(['a', 'b', 'c']);
    // Scores for fewer candidates than given (a short answer): the rest count as unscored.
    expect(reorderByScores(['a', 'b', 'c'], [0.1, 0.2])).toEqual(['b', 'a', 'c']);
  });
});

describe('rerankCandidates', () => {
  const fixed = (scores: (number | null)[] | null): Reranker & { calls: string[][] } => {
    const calls: string[][] = [];
    return { model: 'fixed', calls, rerank: async (_q, texts) => (calls.push([...texts]), scores) };
  };

  it('reorders only the top `depth` candidates and leaves the rest after them', async () => {
    const r = fixed([0.1, 0.3, 0.2]);
    const out = await rerankCandidates(r, '问题', [{ t: 'a' }, { t: 'b' }, { t: 'c' }, { t: 'd' }], (c) => c.t, 3);
    expect(out.map((c) => c.t)).toEqual(['b', 'c', 'a', 'd']);
    expect(r.calls).toEqual([['a', 'b', 'c']]);
  });

  it('keeps the order without a reranker or when it fails', async () => {
    const ranked = ['a', 'b', 'c'];
    expect(await rerankCandidates(null, '问题', ranked, (c) => c)).toEqual(ranked);
    expect(await rerankCandidates(fixed(null), '问题', ranked, (c) => c)).toEqual(ranked);
  });
});

describe('RemoteReranker', () => {
  let server: OpenAIServer;
  beforeEach(async () => {
    server = await OpenAIServer.start();
  });
  afterEach(async () => {
    await server.close();
  });

  const docs = ['学校要配备校医', '生均体育运动场馆面积', '课后服务结束时间'];

  it('posts {model, query, documents, top_n} to {base}/rerank with the Bearer key and returns the scores by index', async () => {
    const r = new RemoteReranker({ baseURL: server.baseURL, model: MODEL, apiKey: KEY });
    const scores = await r.rerank('体育运动场馆面积是多少', docs);
    const [sent] = server.requestsTo('/v1/rerank');
    expect(sent!.body).toEqual({ model: MODEL, query: '体育运动场馆面积是多少', documents: docs, top_n: 3 });
    expect(sent!.headers.authorization).toBe(`Bearer ${KEY}`);
    expect(scores).toHaveLength(3);
    expect(reorderByScores(docs, scores)[0]).toBe('生均体育运动场馆面积');
  });

  it('reaches /rerank on a base URL without /v1 (TEI), sends no Authorization without a key, and leaves unscored texts null', async () => {
    server.script('/rerank', reply.json({ results: [{ index: 2, relevance_score: 0.8 }, { index: 0, relevance_score: 0.3 }] }));
    const r = new RemoteReranker({ baseURL: server.origin, model: MODEL, apiKey: null });
    expect(await r.rerank('课后服务', docs)).toEqual([0.3, null, 0.8]);
    expect(server.requestsTo('/rerank')[0]!.headers.authorization).toBeUndefined();
  });

  it('keeps the original order on 500, malformed JSON, a wrong shape, an index out of range and a timeout, with one log line each and never the key', async () => {
    const { log, lines, raw } = capturedLog();
    const r = new RemoteReranker({ baseURL: server.baseURL, model: MODEL, apiKey: KEY }, log, { timeoutMs: 300, maxRetries: 0 });
    server.script(
      '/v1/rerank',
      reply.status(500, `boom ${KEY}`),
      reply.malformed(),
      reply.json({ data: [] }),
      reply.json({ results: [{ index: 7, relevance_score: 1 }] }),
      reply.hang(),
    );
    const started = performance.now();
    for (let i = 0; i < 5; i++) expect(await r.rerank('问题', docs)).toBeNull();
    expect(performance.now() - started).toBeLessThan(5000);
    expect(lines.map((l) => l['reason'])).toEqual(['服务内部出错（HTTP 500）', '返回的数据不是有效的 JSON', '返回的数据格式不对', '返回的序号超出了范围', '等待超过 0.3 秒没有回应']);
    expect(lines.every((l) => l['level'] === 40 && l['msg'] === 'rerank service failed: the fitted order is kept')).toBe(true);
    expect(raw()).not.toContain(KEY);
  });

  it('retries a 429 with Retry-After within its bound, then scores', async () => {
    server.script('/v1/rerank', reply.rateLimited(1));
    const r = new RemoteReranker({ baseURL: server.baseURL, model: MODEL, apiKey: KEY }, undefined, { timeoutMs: 2000, maxRetries: 1 });
    expect(await r.rerank('校医', docs)).toHaveLength(3);
    expect(server.requestsTo('/v1/rerank')).toHaveLength(2);
  });

  it('is configured by RERANK_BASE_URL and RERANK_MODEL together, and absent without them', () => {
    expect(rerankerFromConfig(loadConfig({}, '/x'))).toBeNull();
    const r = rerankerFromConfig(loadConfig({ RERANK_BASE_URL: server.baseURL, RERANK_MODEL: MODEL, RERANK_API_KEY: KEY }, '/x'));
    expect(r?.model).toBe(MODEL);
    expect(JSON.stringify(r)).not.toContain(KEY);
  });
});
