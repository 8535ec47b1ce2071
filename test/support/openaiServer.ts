/**
 * A loopback fake of OpenAI-compatible services for tests, on 127.0.0.1 (ephemeral port).
 *
 * Routes (JSON in, JSON out):
 *   POST /v1/embeddings        {model, input: string | string[]} → {object:'list', data:[{object:'embedding', index, embedding}], model, usage}
 *   POST /v1/chat/completions  non-streaming {model, messages} → {id, object:'chat.completion', choices:[{index:0, message, finish_reason}], model, usage}
 *   POST /v1/rerank, /rerank   {model, query, documents: string[], top_n?} → {results:[{index, relevance_score}]} (Jina, Xinference, TEI, SiliconFlow)
 * Anything else answers 404.
 *
 * Behaviour is scripted per test: `on(route, handler)` replaces a route's default answer, and
 * `script(route, ...replies)` queues replies that the next requests to that route take in order
 * (before the handler). A reply is JSON with a status, a malformed body, a delay (beyond a client's
 * timeout), a dropped connection, or one that never answers. `dieAfter(n)` lets n more requests
 * through and then stops the server: the connection of the next one is dropped and new ones are refused.
 * Every request is recorded (path, headers, parsed body) so tests can assert on what was sent.
 *
 * The default embeddings are deterministic (`testEmbedding`): words and Han character bigrams hashed
 * into a fixed dimension, so texts that share words get similar vectors. The default chat answer
 * echoes the last user message; the default rerank scores by shared bigrams.
 */
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Socket } from 'node:net';
import { fnv1a } from '../../src/index/embedder.js';

export type Route = '/v1/embeddings' | '/v1/chat/completions' | '/v1/rerank' | '/rerank';
const ROUTES: readonly Route[] = ['/v1/embeddings', '/v1/chat/completions', '/v1/rerank', '/rerank'];

export interface RecordedRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  /** The parsed JSON body (undefined when it was not JSON). */
  body: unknown;
  rawBody: string;
  /** Milliseconds since the server started. */
  at: number;
}

/** What the server does with one request. */
export type Reply =
  | { kind: 'json'; status: number; body: unknown; headers?: Record<string, string>; delayMs?: number }
  | { kind: 'raw'; status: number; body: string; contentType: string; headers?: Record<string, string>; delayMs?: number }
  /** Closes the connection without an answer. */
  | { kind: 'drop' }
  /** Never answers (until the server closes). */
  | { kind: 'hang' };

export type Handler = (request: RecordedRequest) => Reply | Promise<Reply>;

/** Ready-made replies. */
export const reply = {
  json: (body: unknown, status = 200, headers?: Record<string, string>): Reply => ({ kind: 'json', status, body, headers }),
  status: (status: number, message = `status ${status}`): Reply => ({ kind: 'json', status, body: { error: { message, type: 'server_error' } } }),
  /** 429 with Retry-After in seconds. */
  rateLimited: (retryAfterS: number): Reply => ({ kind: 'json', status: 429, body: { error: { message: 'rate limited', type: 'rate_limit' } }, headers: { 'retry-after': String(retryAfterS) } }),
  /** A 200 whose JSON body is cut off. */
  malformed: (): Reply => ({ kind: 'raw', status: 200, body: '{"object":"list","data":[{"embedding":[0.1,', contentType: 'application/json' }),
  drop: (): Reply => ({ kind: 'drop' }),
  hang: (): Reply => ({ kind: 'hang' }),
  /** The same reply, sent after a delay. */
  delayed: (ms: number, r: Reply): Reply => (r.kind === 'json' || r.kind === 'raw' ? { ...r, delayMs: ms } : r),
  chat: (content: string, model = 'test-chat'): Reply => ({ kind: 'json', status: 200, body: chatCompletion(content, model) }),
  /** A chat completion with no choice in it. */
  emptyChoices: (model = 'test-chat'): Reply => ({ kind: 'json', status: 200, body: { ...chatCompletion('', model), choices: [] } }),
};

/** Lower-case Latin words and digits, and bigrams (single characters too) of Han runs. */
export function testTokens(text: string): string[] {
  const t = text.normalize('NFKC').toLowerCase();
  const out: string[] = [...(t.match(/[a-z0-9]+/gu) ?? [])];
  for (const run of t.match(/\p{Script=Han}+/gu) ?? []) {
    const chars = [...run];
    chars.forEach((c, i) => {
      out.push(c);
      if (i + 1 < chars.length) out.push(c + chars[i + 1]!);
    });
  }
  return out;
}

/** Deterministic, L2-normalised: texts that share tokens point the same way. */
export function testEmbedding(text: string, dimensions: number): number[] {
  const v = new Array<number>(dimensions).fill(0);
  for (const tok of testTokens(text)) {
    const h = fnv1a(tok);
    v[h % dimensions]! += (h & 0x80000000) !== 0 ? -1 : 1;
  }
  const len = Math.sqrt(v.reduce((s, x) => s + x * x, 0));
  // An empty text still gets a unit vector: real services never return zeros.
  return len === 0 ? v.map((_, i) => (i === 0 ? 1 : 0)) : v.map((x) => x / len);
}

function chatCompletion(content: string, model: string) {
  return {
    id: `chatcmpl-test-${fnv1a(content).toString(16)}`,
    object: 'chat.completion',
    created: Math.floor(Date.now() / 1000),
    model,
    choices: [{ index: 0, message: { role: 'assistant', content }, finish_reason: 'stop', logprobs: null }],
    usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 },
  };
}

const asRecord = (x: unknown): Record<string, unknown> => (x && typeof x === 'object' ? (x as Record<string, unknown>) : {});

export interface OpenAIServerOptions {
  /** Dimension of the default embeddings. */
  dimensions?: number;
}

export class OpenAIServer {
  readonly requests: RecordedRequest[] = [];
  private readonly handlers = new Map<Route, Handler>();
  private readonly queues = new Map<Route, Reply[]>();
  private readonly inFlight = new Map<Route, number>();
  private readonly maxInFlight = new Map<Route, number>();
  private readonly sockets = new Set<Socket>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly started = performance.now();
  private allowance = Infinity;
  private dead = false;

  private constructor(private readonly server: Server, readonly port: number, readonly dimensions: number) {
    for (const r of ROUTES) this.handlers.set(r, this.defaultHandler(r));
  }

  static async start(options: OpenAIServerOptions = {}): Promise<OpenAIServer> {
    let self: OpenAIServer | undefined;
    const server = createServer((req, res) => void self!.handle(req, res));
    server.keepAliveTimeout = 60_000;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    self = new OpenAIServer(server, (server.address() as AddressInfo).port, options.dimensions ?? 64);
    server.on('connection', (s) => {
      if (self!.dead) return void s.destroy();
      self!.sockets.add(s);
      s.on('close', () => self!.sockets.delete(s));
    });
    return self;
  }

  /** `http://127.0.0.1:<port>/v1`, what an OpenAI client takes as baseURL. */
  get baseURL(): string {
    return `${this.origin}/v1`;
  }

  get origin(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** Replaces the route's answer. */
  on(route: Route, handler: Handler): this {
    this.handlers.set(route, handler);
    return this;
  }

  /** Queues replies the next requests to the route take, in order, before its handler answers again. */
  script(route: Route, ...replies: Reply[]): this {
    this.queues.set(route, [...(this.queues.get(route) ?? []), ...replies]);
    return this;
  }

  /** Lets `n` more requests through; then the next one's connection is dropped and the server stops listening. */
  dieAfter(n: number): this {
    this.allowance = n;
    return this;
  }

  /** Stops at once: open connections are dropped, new ones refused. */
  kill(): void {
    if (this.dead) return;
    this.dead = true;
    this.server.close();
    for (const s of this.sockets) s.destroy();
  }

  requestsTo(route: Route): RecordedRequest[] {
    return this.requests.filter((r) => r.path === route);
  }

  /** The most requests to the route that were being answered at the same time. */
  maxConcurrent(route: Route): number {
    return this.maxInFlight.get(route) ?? 0;
  }

  async close(): Promise<void> {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    this.dead = true;
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private defaultHandler(route: Route): Handler {
    if (route === '/v1/embeddings') {
      return (r) => {
        const body = asRecord(r.body);
        const input = body['input'];
        const texts = Array.isArray(input) ? input.map(String) : [String(input ?? '')];
        return reply.json({
          object: 'list',
          data: texts.map((t, index) => ({ object: 'embedding', index, embedding: testEmbedding(t, this.dimensions) })),
          model: String(body['model'] ?? ''),
          usage: { prompt_tokens: texts.length, total_tokens: texts.length },
        });
      };
    }
    if (route === '/v1/chat/completions') {
      return (r) => {
        const body = asRecord(r.body);
        const messages = Array.isArray(body['messages']) ? body['messages'].map(asRecord) : [];
        const last = messages.filter((m) => m['role'] === 'user').at(-1);
        return reply.chat(typeof last?.['content'] === 'string' ? last['content'] : '', String(body['model'] ?? 'test-chat'));
      };
    }
    return (r) => {
      const body = asRecord(r.body);
      const query = new Set(testTokens(String(body['query'] ?? '')));
      const documents = Array.isArray(body['documents']) ? body['documents'].map(String) : [];
      const scored = documents.map((d, index) => {
        const toks = new Set(testTokens(d));
        const shared = [...toks].filter((t) => query.has(t)).length;
        return { index, relevance_score: toks.size === 0 ? 0 : shared / Math.sqrt(toks.size * Math.max(1, query.size)) };
      });
      scored.sort((a, b) => b.relevance_score - a.relevance_score || a.index - b.index);
      const topN = typeof body['top_n'] === 'number' ? body['top_n'] : scored.length;
      return reply.json({ results: scored.slice(0, topN) });
    };
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const rawBody = Buffer.concat(chunks).toString('utf8');
    let body: unknown;
    try {
      body = rawBody ? JSON.parse(rawBody) : undefined;
    } catch {
      body = undefined; // recorded as raw text; the route decides what to answer
    }
    const path = (req.url ?? '/').split('?')[0]!;
    const recorded: RecordedRequest = { method: req.method ?? 'GET', path, headers: req.headers, body, rawBody, at: performance.now() - this.started };
    this.requests.push(recorded);
    if (this.dead || this.allowance <= 0) {
      this.kill();
      return void req.socket.destroy();
    }
    this.allowance--;
    const route = ROUTES.find((r) => r === path);
    if (!route || req.method !== 'POST') return this.send(res, reply.json({ error: { message: 'Not Found' } }, 404));
    this.inFlight.set(route, (this.inFlight.get(route) ?? 0) + 1);
    this.maxInFlight.set(route, Math.max(this.maxInFlight.get(route) ?? 0, this.inFlight.get(route)!));
    res.on('close', () => this.inFlight.set(route, this.inFlight.get(route)! - 1));
    const queued = this.queues.get(route)?.shift();
    await this.send(res, queued ?? (await this.handlers.get(route)!(recorded)));
  }

  private async send(res: ServerResponse, r: Reply): Promise<void> {
    if (r.kind === 'hang') return;
    if (r.kind === 'drop') return void res.socket?.destroy();
    if (r.delayMs) {
      await new Promise<void>((resolve) => {
        const t = setTimeout(() => {
          this.timers.delete(t);
          resolve();
        }, r.delayMs);
        this.timers.add(t);
      });
    }
    // The client may have given up (timeout) meanwhile.
    if (res.destroyed || res.writableEnded) return;
    const text = r.kind === 'json' ? JSON.stringify(r.body) : r.body;
    res.writeHead(r.status, { 'content-type': r.kind === 'json' ? 'application/json' : r.contentType, ...r.headers });
    res.end(text);
  }
}
