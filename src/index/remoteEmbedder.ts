import type OpenAI from 'openai';
import { z } from 'zod';
import { EmbeddingServiceError } from '../errors.js';
import type { Logger } from '../logger.js';
import { displayURL, failureReason, openAIClient, technicalLine, type RemoteServiceConfig } from '../remoteService.js';
import { IdentifiedEmbeddings, type EmbedderIdentity } from './embedder.js';

/** How the embedder talks to the service; everything but the key, so it may travel to a child process. */
export interface RemoteEmbeddingsSettings {
  baseURL: string;
  model: string;
  /** Per attempt while indexing: a batch of passages can take a while on a CPU-only server. */
  timeoutMs: number;
  /** Retries per request while indexing (429, 5xx, timeouts, lost connections), with back-off. */
  maxRetries: number;
  /** Texts per request. */
  batchSize: number;
  /** Requests in flight at once. */
  concurrency: number;
  /** A question waits this long for its vector, with one retry; then the keyword channels answer alone. */
  queryTimeoutMs: number;
  /** After a question found the service down, the next questions skip it this long instead of each waiting for it. */
  queryPauseMs: number;
}

export const REMOTE_DEFAULTS = { timeoutMs: 60_000, maxRetries: 3, batchSize: 32, concurrency: 2, queryTimeoutMs: 4_000, queryPauseMs: 30_000 } as const;

export function remoteEmbedderId(model: string): string {
  return `remote:${model}`;
}

/** The model a remote identity names, or null for another kind of embedder. */
export function remoteModelOf(identity: EmbedderIdentity): string | null {
  return identity.id.startsWith('remote:') ? identity.id.slice('remote:'.length) : null;
}

const EmbeddingsResponse = z.object({
  data: z.array(z.object({ index: z.number().int().nonnegative(), embedding: z.array(z.number()).min(1) })),
});

const PROBE_TEXT = '义务教育优质均衡发展';

/**
 * Time and retries per request. A question waits little (the keyword channels answer without it);
 * the probe at start may meet a server still loading its model, but must not hold the start for minutes.
 */
const REQUEST_BUDGET = {
  documents: (s: RemoteEmbeddingsSettings) => ({ timeout: s.timeoutMs, maxRetries: s.maxRetries }),
  query: (s: RemoteEmbeddingsSettings) => ({ timeout: s.queryTimeoutMs, maxRetries: 1 }),
  probe: (s: RemoteEmbeddingsSettings) => ({ timeout: Math.min(s.timeoutMs, 30_000), maxRetries: Math.min(s.maxRetries, 1) }),
};

/**
 * Embeddings from an OpenAI-compatible `/v1/embeddings` service (Ollama, vLLM, Xinference, SiliconFlow,
 * DashScope …) through the `openai` client: batched, a bounded number of requests in flight, retried by
 * the client with back-off. Every failure is an EmbeddingServiceError with a Chinese reason; the key
 * is kept in private fields, so logging this object never shows it.
 */
export class RemoteEmbeddings extends IdentifiedEmbeddings {
  readonly identity: EmbedderIdentity;
  readonly #apiKey: string | null;
  readonly #client: OpenAI;
  #lastQueryFailure: { error: EmbeddingServiceError; at: number } | undefined;

  /** For a known dimension (from a manifest); `connect` learns it from the service. */
  constructor(
    readonly settings: RemoteEmbeddingsSettings,
    dimensions: number,
    apiKey: string | null,
    private readonly log?: Logger,
  ) {
    super({});
    this.identity = { id: remoteEmbedderId(settings.model), dimensions };
    this.#apiKey = apiKey;
    this.#client = openAIClient({ baseURL: settings.baseURL, model: settings.model, apiKey }, settings);
  }

  /** Asks the service once for the vector of a probe text, to learn the dimension the manifest records. */
  static async connect(service: RemoteServiceConfig, options: Partial<Omit<RemoteEmbeddingsSettings, 'baseURL' | 'model'>> = {}, log?: Logger): Promise<RemoteEmbeddings> {
    const settings: RemoteEmbeddingsSettings = { ...REMOTE_DEFAULTS, ...options, baseURL: service.baseURL, model: service.model };
    const probe = new RemoteEmbeddings(settings, 0, service.apiKey, log);
    const [vector] = await probe.request([PROBE_TEXT], 'probe');
    return new RemoteEmbeddings(settings, vector!.length, service.apiKey, log);
  }

  /** What a child process needs to rebuild this embedder: the settings travel in a message, the key only in its environment. */
  forChildProcess(): { settings: RemoteEmbeddingsSettings; env: { EMBEDDINGS_API_KEY?: string } } {
    return { settings: { ...this.settings }, env: this.#apiKey ? { EMBEDDINGS_API_KEY: this.#apiKey } : {} };
  }

  async embedDocuments(texts: string[]): Promise<number[][]> {
    const batches: string[][] = [];
    for (let i = 0; i < texts.length; i += this.settings.batchSize) batches.push(texts.slice(i, i + this.settings.batchSize));
    const results: number[][][] = new Array(batches.length);
    let next = 0;
    let failed = false;
    const worker = async () => {
      // After a failure no further batch is sent: the ingest stops anyway.
      while (!failed && next < batches.length) {
        const i = next++;
        try {
          results[i] = await this.request(batches[i]!, 'documents');
        } catch (e) {
          failed = true;
          throw e;
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.settings.concurrency, batches.length) }, worker));
    return results.flat();
  }

  /**
   * A question's vector. A failure is logged here, once per question (the caller answers without
   * vectors), and thrown. For `queryPauseMs` after a failure questions do not wait for the service again.
   */
  async embedQuery(text: string): Promise<number[]> {
    try {
      if (this.#lastQueryFailure && performance.now() < this.#lastQueryFailure.at + this.settings.queryPauseMs) throw this.#lastQueryFailure.error;
      const [vector] = await this.request([text], 'query');
      this.#lastQueryFailure = undefined;
      return vector!;
    } catch (e) {
      if (e instanceof EmbeddingServiceError) {
        if (this.#lastQueryFailure?.error !== e) this.#lastQueryFailure = { error: e, at: performance.now() };
        this.log?.warn({ model: this.settings.model, service: displayURL(this.settings.baseURL), reason: e.reason }, 'embeddings service unavailable: this question is answered by the keyword channels');
      }
      throw e;
    }
  }

  private async request(inputs: string[], mode: 'documents' | 'query' | 'probe'): Promise<number[][]> {
    const budget = REQUEST_BUDGET[mode](this.settings);
    let raw: unknown;
    try {
      // float: base64 (the client's default) is not supported by every OpenAI-compatible server.
      raw = await this.#client.embeddings.create({ model: this.settings.model, input: inputs, encoding_format: 'float' }, budget);
    } catch (e) {
      const reason = failureReason(e, budget.timeout);
      if (reason === null) throw e;
      throw this.failure(reason, technicalLine(`embeddings ${mode} (${inputs.length} texts)`, e, this.#apiKey));
    }
    const parsed = EmbeddingsResponse.safeParse(raw);
    if (!parsed.success) throw this.failure('返回的数据格式不对', `embeddings ${mode}: unexpected response: ${z.prettifyError(parsed.error).slice(0, 300)}`);
    const data = [...parsed.data.data].sort((a, b) => a.index - b.index);
    if (data.length !== inputs.length || data.some((d, i) => d.index !== i)) {
      throw this.failure('返回的向量个数不对', `embeddings ${mode}: ${data.length} vectors for ${inputs.length} inputs`);
    }
    const want = this.identity.dimensions || data[0]!.embedding.length;
    const wrong = data.find((d) => d.embedding.length !== want);
    if (wrong) {
      throw this.failure(`返回的向量维数是 ${wrong.embedding.length}，应为 ${want}`, `embeddings ${mode}: dimension ${wrong.embedding.length}, expected ${want}`);
    }
    return data.map((d) => d.embedding);
  }

  private failure(reason: string, technical: string): EmbeddingServiceError {
    return new EmbeddingServiceError(`${this.settings.model}，${displayURL(this.settings.baseURL)}`, reason, technical);
  }
}
