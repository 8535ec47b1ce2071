import { Worker } from 'node:worker_threads';
import { JunhengError } from '../errors.js';
import type { DocumentContent } from './document.js';
import type { IngestLimits } from './limits.js';
import { MESSAGES, type Rejection } from './rejection.js';

/** One file for the loader worker; `bytes` is transferred, not copied. */
export interface LoadJob {
  id: number;
  bytes: Uint8Array;
  fileName: string;
  limits: Pick<IngestLimits, 'maxTextChars' | 'maxPassages'>;
}

export type LoadReply = { id: number; ok: true; content: DocumentContent } | { id: number; ok: false; rejection: Rejection };

/**
 * - `content`: the file loaded;
 * - `rejected`: the loader recognised a problem (format, caps, damage);
 * - `crashed`: the worker died on the file (out of memory, timeout, uncaught error).
 */
export type LoadOutcome =
  | { kind: 'content'; content: DocumentContent }
  | { kind: 'rejected'; rejection: Rejection }
  | { kind: 'crashed'; rejection: Rejection };

const ENTRY = new URL('./tsEntry.mjs', import.meta.url);
const WORKER_MODULE = new URL(import.meta.url.endsWith('.ts') ? './loadWorker.ts' : './loadWorker.js', import.meta.url);

/** The worker could not even start (environment problem): an ingest error, not a file's fault. */
export class LoaderUnavailableError extends JunhengError {}

interface Running {
  worker: Worker;
  ready: Promise<void>;
  dead: boolean;
}

/**
 * Loads files in a worker thread with a bounded heap (`resourceLimits`), one
 * file at a time. One worker serves many files (starting one costs ~1–2 s:
 * tsx and the loaders' modules); a file that kills it costs only that file,
 * and the next file gets a fresh worker.
 */
export class LoaderPool {
  private running?: Running;
  private nextId = 0;
  /** For measurements and tests: workers started and their start-up times. */
  readonly stats = { workersStarted: 0, startupMs: [] as number[], files: 0 };

  constructor(private readonly limits: IngestLimits) {}

  private start(): Running {
    const started = performance.now();
    const worker = new Worker(ENTRY, {
      workerData: { entry: WORKER_MODULE.href },
      execArgv: [],
      resourceLimits: { maxOldGenerationSizeMb: this.limits.loaderHeapMb },
      stdout: false,
      stderr: false,
    });
    this.stats.workersStarted++;
    const running: Running = { worker, dead: false, ready: Promise.resolve() };
    // Always listened to: an 'error' event without a listener would be thrown in this thread.
    worker.on('error', () => (running.dead = true));
    worker.on('exit', () => (running.dead = true));
    running.ready = new Promise<void>((resolve, reject) => {
      const onMessage = (m: unknown) => {
        if ((m as { ready?: boolean }).ready !== true) return;
        this.stats.startupMs.push(performance.now() - started);
        cleanup();
        worker.unref(); // idle between files: a forgotten close() must not keep the process alive
        resolve();
      };
      const onError = (e: Error) => fail(e);
      const onExit = (code: number) => fail(new Error(`exited with code ${code}`));
      const fail = (e: Error) => {
        cleanup();
        running.dead = true;
        reject(new LoaderUnavailableError('无法启动读取文件的后台线程，旧索引保持不变。', `loader worker failed to start: ${e.message}`, { cause: e }));
      };
      const cleanup = () => {
        worker.off('message', onMessage);
        worker.off('error', onError);
        worker.off('exit', onExit);
      };
      worker.on('message', onMessage);
      worker.on('error', onError);
      worker.on('exit', onExit);
    });
    return running;
  }

  /** Loads one file; never throws for the file's sake (only LoaderUnavailableError). */
  async load(bytes: Buffer, fileName: string): Promise<LoadOutcome> {
    if (!this.running || this.running.dead) this.running = this.start();
    const running = this.running;
    await running.ready;
    this.stats.files++;
    const { worker } = running;
    const id = ++this.nextId;
    // Transfer the bytes: a copy only when the Buffer shares its memory (Node's pool for small files).
    const data = bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength ? bytes : new Uint8Array(bytes);
    const job: LoadJob = { id, bytes: data, fileName, limits: { maxTextChars: this.limits.maxTextChars, maxPassages: this.limits.maxPassages } };

    return new Promise<LoadOutcome>((resolve) => {
      let lastError: Error | undefined;
      const finish = (outcome: LoadOutcome) => {
        clearTimeout(timer);
        worker.off('message', onMessage);
        worker.off('error', onError);
        worker.off('exit', onExit);
        worker.unref();
        resolve(outcome);
      };
      const crashed = (technical: string, message = MESSAGES.loaderCrashed): void => {
        running.dead = true;
        void worker.terminate();
        finish({ kind: 'crashed', rejection: { code: 'loader-crashed', message, technical: `${fileName}: ${technical}` } });
      };
      const onMessage = (m: LoadReply) => {
        if (m.id !== id) return;
        finish(m.ok ? { kind: 'content', content: m.content } : { kind: 'rejected', rejection: m.rejection });
      };
      const onError = (e: Error) => {
        lastError = e;
        const oom = (e as NodeJS.ErrnoException).code === 'ERR_WORKER_OUT_OF_MEMORY';
        crashed(oom ? `loader worker ran out of memory (heap limit ${this.limits.loaderHeapMb} MB)` : `loader worker failed: ${e.name}: ${e.message}`);
      };
      const onExit = (code: number) => crashed(`loader worker exited with code ${code}${lastError ? ` after ${lastError.message}` : ''}`);
      const timer = setTimeout(
        () => crashed(`loader worker took longer than ${this.limits.loaderTimeoutMs} ms`, MESSAGES.timeout(this.limits.loaderTimeoutMs)),
        this.limits.loaderTimeoutMs,
      );
      worker.on('message', onMessage);
      worker.on('error', onError);
      worker.on('exit', onExit);
      worker.ref();
      worker.postMessage(job, [data.buffer as ArrayBuffer]);
    });
  }

  async close(): Promise<void> {
    const running = this.running;
    this.running = undefined;
    if (running && !running.dead) {
      running.dead = true;
      await running.worker.terminate();
    }
  }
}
