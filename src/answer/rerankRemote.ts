import type OpenAI from 'openai';
import { z } from 'zod';
import type { Config } from '../config.js';
import type { Logger } from '../logger.js';
import { displayURL, failureReason, openAIClient, technicalLine, type RemoteServiceConfig } from '../remoteService.js';

/**
 * A remote relevance scorer for the rerank stage (RERANK_*): the `/rerank` JSON that Jina,
 * Xinference, TEI and SiliconFlow share.
 */
export interface Reranker {
  readonly model: string;
  /**
   * The relevance of each text to the query, parallel to `texts` (null for a text the service left
   * unscored), or null when the service failed: that is logged once and never thrown, so the caller
   * simply keeps its own order.
   */
  rerank(query: string, texts: readonly string[]): Promise<(number | null)[] | null>;
}

/** How many of the best ranked candidates are sent to the service; the rest keep their places after them. */
export const RERANK_DEPTH = 20;

/**
 * Candidates ordered by the service's scores, best first (equal scores keep the given order);
 * candidates without a score follow in the given order. Null scores (a failed call): unchanged. Pure.
 */
export function reorderByScores<T>(candidates: readonly T[], scores: readonly (number | null)[] | null): T[] {
  if (!scores) return [...candidates];
  const scored: { c: T; i: number; s: number }[] = [];
  const rest: T[] = [];
  candidates.forEach((c, i) => {
    const s = scores[i];
    if (typeof s === 'number' && Number.isFinite(s)) scored.push({ c, i, s });
    else rest.push(c);
  });
  scored.sort((a, b) => b.s - a.s || a.i - b.i);
  return [...scored.map((x) => x.c), ...rest];
}

/**
 * The rerank stage: the top `depth` candidates reordered by the reranker, the others after them as
 * they were. Without a reranker, or when it fails, the order is the given one. Never throws.
 */
export async function rerankCandidates<T>(
  reranker: Reranker | null,
  query: string,
  ranked: readonly T[],
  text: (candidate: T) => string,
  depth = RERANK_DEPTH,
): Promise<T[]> {
  if (!reranker || ranked.length < 2) return [...ranked];
  const top = ranked.slice(0, depth);
  const scores = await reranker.rerank(query, top.map(text));
  return [...reorderByScores(top, scores), ...ranked.slice(depth)];
}

const RerankResponse = z.object({
  results: z.array(z.object({ index: z.number().int().nonnegative(), relevance_score: z.number() })),
});

export interface RemoteRerankerOptions {
  /** Per attempt: a question waits for the reranker at most about twice this long. */
  timeoutMs: number;
  maxRetries: number;
}

const DEFAULTS: RemoteRerankerOptions = { timeoutMs: 5_000, maxRetries: 1 };

/** POST `{RERANK_BASE_URL}/rerank` {model, query, documents, top_n} → {results: [{index, relevance_score}]}, Bearer key if set. */
export class RemoteReranker implements Reranker {
  readonly model: string;
  private readonly service: string;
  private readonly options: RemoteRerankerOptions;
  readonly #apiKey: string | null;
  readonly #client: OpenAI;

  constructor(config: RemoteServiceConfig, private readonly log?: Logger, options: Partial<RemoteRerankerOptions> = {}) {
    this.model = config.model;
    this.service = displayURL(config.baseURL);
    this.options = { ...DEFAULTS, ...options };
    this.#apiKey = config.apiKey;
    // The openai client for its timeout, bounded retry (429 with Retry-After, 5xx) and auth; the path is the rerank one.
    this.#client = openAIClient(config, this.options);
  }

  async rerank(query: string, texts: readonly string[]): Promise<(number | null)[] | null> {
    if (texts.length === 0) return [];
    let raw: unknown;
    try {
      raw = await this.#client.post('/rerank', { body: { model: this.model, query, documents: texts, top_n: texts.length } });
    } catch (e) {
      const reason = failureReason(e, this.options.timeoutMs);
      if (reason === null) {
        this.log?.error({ err: e, model: this.model, service: this.service }, 'rerank failed unexpectedly: the fitted order is kept');
        return null;
      }
      return this.failed(reason, technicalLine('rerank', e, this.#apiKey));
    }
    const parsed = RerankResponse.safeParse(raw);
    if (!parsed.success) return this.failed('返回的数据格式不对', `rerank: unexpected response: ${z.prettifyError(parsed.error).slice(0, 300)}`);
    const scores: (number | null)[] = texts.map(() => null);
    for (const r of parsed.data.results) {
      if (r.index >= texts.length) return this.failed('返回的序号超出了范围', `rerank: index ${r.index} for ${texts.length} documents`);
      scores[r.index] ??= r.relevance_score;
    }
    return scores;
  }

  private failed(reason: string, technical: string): null {
    this.log?.warn({ model: this.model, service: this.service, reason, cause: technical }, 'rerank service failed: the fitted order is kept');
    return null;
  }
}

/** The configured reranker, or null when RERANK_* are not set. */
export function rerankerFromConfig(config: Pick<Config, 'rerank'>, log?: Logger): Reranker | null {
  return config.rerank ? new RemoteReranker(config.rerank, log) : null;
}
