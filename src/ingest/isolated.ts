import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { EmbeddingServiceError, IngestBusyError, JunhengError } from '../errors.js';
import type { EmbedderIdentity, IdentifiedEmbeddings } from '../index/embedder.js';
import { rebuildEmbedder } from '../index/embedderChoice.js';
import { RemoteEmbeddings, type RemoteEmbeddingsSettings } from '../index/remoteEmbedder.js';
import { NothingIndexedError, type FileOutcome, type IngestEvent, type IngestOptions, type IngestSummary } from './pipeline.js';

/** What the parent sends the child: the options, with the embedder named by its identity. */
export interface ChildRequest {
  type: 'run';
  dirs: string[];
  indexDir: string;
  maxFileBytes: number;
  limits?: IngestOptions['limits'];
  embedder: EmbedderIdentity;
  /** A remote embedder's settings; its key travels in the child's environment (EMBEDDINGS_API_KEY), never in a message. */
  remote?: RemoteEmbeddingsSettings;
  events: boolean;
}

/** An error thrown by runIngest in the child, as data. */
export interface SerializedError {
  kind: 'nothing-indexed' | 'busy' | 'embedding-service' | 'junheng' | 'other';
  name: string;
  message: string;
  userMessage?: string;
  outcomes?: FileOutcome[];
  /** EmbeddingServiceError's service and reason. */
  service?: string;
  reason?: string;
}

export type ChildMessage =
  | { type: 'event'; event: IngestEvent }
  | { type: 'done'; summary: IngestSummary }
  | { type: 'error'; error: SerializedError };

export interface IsolatedIngestOptions extends IngestOptions {
  /** Aborting kills the child; the partial generation is cleaned up by the next run. */
  signal?: AbortSignal;
}

const ENTRY = fileURLToPath(new URL('./tsEntry.mjs', import.meta.url));
const CHILD_MODULE = new URL(import.meta.url.endsWith('.ts') ? './isolatedChild.ts' : './isolatedChild.js', import.meta.url).href;

/** The embedder the child builds for an identity, or undefined when it cannot rebuild that one. */
export function embedderFromIdentity(identity: EmbedderIdentity, remote?: RemoteEmbeddingsSettings, apiKey: string | null = null): IdentifiedEmbeddings | undefined {
  return rebuildEmbedder(identity, remote ? { settings: remote, apiKey } : undefined);
}

/** The message for the child and the environment it starts with (the only place a remote embedder's key goes). */
export function childLaunch(opts: IsolatedIngestOptions): { request: ChildRequest; env: NodeJS.ProcessEnv } {
  const remote = opts.embedder instanceof RemoteEmbeddings ? opts.embedder.forChildProcess() : undefined;
  const request: ChildRequest = {
    type: 'run',
    dirs: [...opts.dirs],
    indexDir: opts.indexDir,
    maxFileBytes: opts.maxFileBytes,
    limits: opts.limits,
    embedder: opts.embedder.identity,
    ...(remote ? { remote: remote.settings } : {}),
    events: opts.onEvent !== undefined,
  };
  // The child's key is this embedder's, or none: not whatever the environment happens to hold.
  return { request, env: { ...process.env, EMBEDDINGS_API_KEY: undefined, ...remote?.env } };
}

function revive(e: SerializedError): Error {
  switch (e.kind) {
    case 'nothing-indexed':
      return new NothingIndexedError(e.userMessage ?? '', e.message, e.outcomes ?? []);
    case 'busy':
      return new IngestBusyError(e.userMessage ?? '', e.message);
    case 'embedding-service':
      return new EmbeddingServiceError(e.service ?? '', e.reason ?? '', e.message);
    case 'junheng':
      return new JunhengError(e.userMessage ?? '建立索引失败，旧索引保持不变。', e.message);
    default:
      return new JunhengError('建立索引失败，旧索引保持不变。', `${e.name}: ${e.message}`);
  }
}

/**
 * runIngest in a child process, so that the caller's event loop and memory are
 * untouched however heavy the corpus: the Telegram bot keeps answering while
 * it re-indexes. Same options and result as runIngest (events are forwarded);
 * the embedder is rebuilt in the child from its identity. Errors come back as
 * the same classes (NothingIndexedError, IngestBusyError, JunhengError); a
 * child that dies (killed, out of memory) is a JunhengError, and the previous
 * index stays current, as after any interrupted ingest.
 */
export function runIngestIsolated(opts: IsolatedIngestOptions): Promise<IngestSummary> {
  const identity = opts.embedder.identity;
  const { request, env } = childLaunch(opts);
  if (!embedderFromIdentity(identity, request.remote)) {
    return Promise.reject(new JunhengError('建立索引失败，旧索引保持不变。', `runIngestIsolated cannot rebuild embedder ${identity.id} in a child process`));
  }
  if (opts.signal?.aborted) return Promise.reject(aborted());
  return new Promise<IngestSummary>((resolve, reject) => {
    // Empty execArgv: tsEntry.mjs registers tsx itself (the parent may run under vitest or tsx).
    const child = fork(ENTRY, [CHILD_MODULE], { execArgv: [], env, serialization: 'advanced', stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
    let settled = false;
    let abortRequested = false;
    const settle = (fn: () => void) => {
      if (settled) return;
      settled = true;
      opts.signal?.removeEventListener('abort', onAbort);
      fn();
    };
    // Settled on 'exit', once the child is gone: its lock is then visibly stale to the next run.
    const onAbort = () => {
      abortRequested = true;
      child.kill('SIGKILL');
    };
    opts.signal?.addEventListener('abort', onAbort, { once: true });

    child.on('message', (m: ChildMessage) => {
      if (m.type === 'event') opts.onEvent?.(m.event);
      else if (m.type === 'done') settle(() => resolve(m.summary));
      else settle(() => reject(revive(m.error)));
    });
    child.on('error', (e) => settle(() => reject(new JunhengError('无法启动建立索引的后台进程，旧索引保持不变。', `ingest child: ${e.message}`, { cause: e }))));
    child.on('exit', (code, signal) =>
      settle(() =>
        reject(abortRequested ? aborted() : new JunhengError('建立索引的后台进程意外退出，旧索引保持不变。', `ingest child exited (code ${code}, signal ${signal}) before reporting`)),
      ),
    );

    child.send(request);
  });
}

function aborted(): JunhengError {
  return new JunhengError('建立索引已取消，旧索引保持不变。', 'isolated ingest aborted');
}
