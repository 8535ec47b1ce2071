import OpenAI, { APIConnectionError, APIConnectionTimeoutError, APIError } from 'openai';

/** Where and what an OpenAI-compatible service is: EMBEDDINGS_* or RERANK_* in the environment. */
export interface RemoteServiceConfig {
  baseURL: string;
  model: string;
  /** Null: no Authorization header (a local Ollama, vLLM or Xinference needs none). */
  apiKey: string | null;
}

/**
 * An `openai` client for a service: its own retry (408/409/429/5xx and lost connections, waiting
 * Retry-After when the service sends one of under a minute, else backing off 0.5 s … 8 s) bounded by
 * `maxRetries`, each attempt bounded by `timeoutMs`. Nothing is read from OPENAI_* variables, and the
 * client's own console log is off: it would bypass the scrubbing logger.
 */
export function openAIClient(service: RemoteServiceConfig, o: { timeoutMs: number; maxRetries: number }): OpenAI {
  return new OpenAI({
    baseURL: service.baseURL,
    apiKey: service.apiKey ?? '',
    organization: null,
    project: null,
    timeout: o.timeoutMs,
    maxRetries: o.maxRetries,
    logLevel: 'off',
    // Without a key, no "Authorization: Bearer " header at all.
    ...(service.apiKey ? {} : { defaultHeaders: { Authorization: null } }),
  });
}

/** The address as shown to people: no credentials, query or fragment. */
export function displayURL(baseURL: string): string {
  try {
    const u = new URL(baseURL);
    return `${u.origin}${u.pathname.replace(/\/+$/u, '')}`;
  } catch {
    return '（地址无效）';
  }
}

/** `text` with every occurrence of the key replaced: a service may echo what it was sent. */
export function redact(text: string, apiKey: string | null): string {
  return apiKey ? text.split(apiKey).join('[redacted]') : text;
}

/**
 * What went wrong with a call to a service, in Chinese, or null for an error that is not the
 * service's (a bug here: the caller rethrows it). A body that is not JSON is a SyntaxError.
 */
export function failureReason(e: unknown, timeoutMs: number): string | null {
  if (e instanceof APIConnectionTimeoutError) return `等待超过 ${Math.round(timeoutMs / 100) / 10} 秒没有回应`;
  if (e instanceof APIConnectionError) return '连不上服务';
  if (e instanceof APIError) {
    const s = e.status;
    if (s === 401 || s === 403) return `服务拒绝了 API 密钥（HTTP ${s}）`;
    if (s === 404) return '服务上没有这个地址或模型（HTTP 404）';
    if (s === 429) return '请求过于频繁，重试后仍被限流（HTTP 429）';
    if (s !== undefined && s >= 500) return `服务内部出错（HTTP ${s}）`;
    return `服务返回错误（HTTP ${s ?? '无状态码'}）`;
  }
  if (e instanceof SyntaxError) return '返回的数据不是有效的 JSON';
  return null;
}

/** The technical line of a failed call, without the key. */
export function technicalLine(what: string, e: unknown, apiKey: string | null): string {
  const detail = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
  return redact(`${what}: ${detail}`, apiKey);
}
