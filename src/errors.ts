/**
 * Every error that can reach a user carries a Chinese message for them and a
 * technical cause for the log. Adapters show `userMessage` and log `cause`.
 */
export class JunhengError extends Error {
  constructor(
    readonly userMessage: string,
    technical: string,
    options?: { cause?: unknown },
  ) {
    super(technical, options);
    this.name = new.target.name;
  }
}

/** Why a file could not be indexed; the code is stable for tests and summaries. */
export type RejectionCode =
  | 'empty'
  | 'binary'
  | 'unsupported'
  | 'legacy-doc'
  | 'encrypted'
  | 'scanned'
  | 'no-text'
  | 'corrupt'
  | 'too-large'
  | 'wrong-content'
  // Circumstances of the file system and the loader rather than of the format:
  | 'vanished'
  | 'not-regular'
  | 'unreadable'
  | 'too-much-text'
  | 'loader-crashed'
  | 'failed';

/** A file that cannot be indexed. Ingestion reports it and goes on with the others. */
export class FileRejectedError extends JunhengError {
  constructor(
    readonly code: RejectionCode,
    userMessage: string,
    technical: string,
    options?: { cause?: unknown },
  ) {
    super(userMessage, technical, options);
  }
}

/** Another ingest already holds the index lock. */
export class IngestBusyError extends JunhengError {}

/** The index is missing, unreadable, or built by an incompatible version/embedder. */
export class IndexUnavailableError extends JunhengError {}

/** Configuration (environment) is invalid. */
export class ConfigError extends JunhengError {}

/**
 * An embeddings service (EMBEDDINGS_BASE_URL) failed or answered something unusable. `service`
 * names it (model and address, never the key) and `reason` says what went wrong, both in Chinese.
 */
export class EmbeddingServiceError extends JunhengError {
  constructor(
    readonly service: string,
    readonly reason: string,
    technical: string,
  ) {
    super(`向量服务连接失败（${service}）：${reason}。索引没有更新，继续使用原来的索引。`, technical);
  }
}
