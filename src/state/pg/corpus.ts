import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { z } from 'zod';
import { JunhengError } from '../../errors.js';
import { CORPUS_EXTENSIONS, extensionOf, safeFileName, saveToCorpus } from '../../ingest/corpusFolder.js';

/**
 * The shared corpus: admin uploads of every instance as rows of
 * `corpus_documents` (the row's id is the corpus version), announced on one
 * channel; each instance writes them into its own corpus folder and indexes
 * them itself (see CorpusFollower).
 */
export const CORPUS_CHANNEL = 'corpus_changed';

/**
 * Which shared version this corpus folder holds and which one its index
 * answers from. A dot file: the ingest scanner skips it, as it skips `.history`.
 */
export const SYNC_STATE_FILE = '.shared-corpus.json';

/** Shows up in pg_stat_activity, so an operator (and a test) can tell the listening connection. */
export const LISTENER_APPLICATION_NAME = 'junheng-corpus-listener';

export interface CorpusLog {
  debug(obj: object, msg: string): void;
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

/** An upload could not be stored in the shared corpus (the local copy is not affected). */
export class CorpusPublishError extends JunhengError {}

function sha256Hex(bytes: Buffer): string {
  return crypto.createHash('sha256').update(bytes).digest('hex');
}

function asError(e: unknown): Error {
  return e instanceof Error ? e : new Error(String(e));
}

export interface PublishedUpload {
  /** The corpus version holding these bytes under this name. */
  version: number;
  /** False when the shared corpus already had exactly these bytes under this name: nothing was inserted or announced. */
  published: boolean;
}

/**
 * Stores an upload as a new version and announces it on CORPUS_CHANNEL, in
 * one transaction: the notice goes out on commit, so no instance hears of a
 * version it cannot read yet. `name` must already be a safe corpus file name
 * (what saveToCorpus saved it as).
 */
export async function publishUpload(pool: pg.Pool, upload: { name: string; bytes: Buffer; uploadedBy: string }): Promise<PublishedUpload> {
  const { name, bytes, uploadedBy } = upload;
  if (name !== safeFileName(name) || !CORPUS_EXTENSIONS.includes(extensionOf(name))) {
    throw new CorpusPublishError(`《${name}》不能放入共享资料库：文件名或文件类型不合适。`, `publishUpload: not a safe corpus file name: ${JSON.stringify(name)}`);
  }
  const failed = (e: unknown, more = '') =>
    new CorpusPublishError(
      `《${name}》已保存在本机，但没能存入共享资料库（用户数据库暂时连不上或无法写入），其他实例暂时看不到它。请稍后重新发送一次。`,
      `publish ${name}: ${String(e)}${more}`,
      { cause: e },
    );
  const sha256 = sha256Hex(bytes);
  let client: pg.PoolClient;
  try {
    client = await pool.connect();
  } catch (e) {
    throw failed(e);
  }
  try {
    await client.query('BEGIN');
    // Publishers take turns (readers are not blocked), so versions commit in the order they are
    // numbered: an instance that has read version N has seen every version below it.
    await client.query('LOCK TABLE corpus_documents IN SHARE ROW EXCLUSIVE MODE');
    const current = await client.query<{ id: string; sha256: string }>('SELECT id, sha256 FROM corpus_documents WHERE name = $1 ORDER BY id DESC LIMIT 1', [name]);
    const same = current.rows[0];
    let result: PublishedUpload;
    if (same && same.sha256 === sha256) {
      result = { version: Number(same.id), published: false };
    } else {
      const inserted = await client.query<{ id: string }>(
        'INSERT INTO corpus_documents (name, bytes, sha256, uploaded_by) VALUES ($1, $2, $3, $4) RETURNING id',
        [name, bytes, sha256, uploadedBy],
      );
      result = { version: Number(inserted.rows[0]!.id), published: true };
      await client.query('SELECT pg_notify($1, $2)', [CORPUS_CHANNEL, String(result.version)]);
    }
    await client.query('COMMIT');
    client.release();
    return result;
  } catch (e) {
    try {
      await client.query('ROLLBACK');
      client.release();
    } catch (r) {
      // The connection is dropped instead; the server rolls back when it closes.
      client.release(asError(r));
      throw failed(e, `; rollback failed too: ${String(r)}`);
    }
    throw failed(e);
  }
}

export interface MaterialiseResult {
  /** The highest version in the database (0: nothing shared yet). */
  latest: number;
  /** Names written into the corpus folder (new, or replacing a different local file). */
  written: string[];
  /** Names that could not be written (each logged): the folder is behind until they are. */
  failed: string[];
}

/** The sha256 of the regular file at `file`, or undefined when there is none. */
function localHash(file: string): string | undefined {
  try {
    if (!fs.lstatSync(file).isFile()) return undefined;
    return sha256Hex(fs.readFileSync(file));
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
}

/**
 * Writes every current shared document (per name, its highest version) whose
 * bytes differ from the corpus folder's file of that name, or that the
 * folder lacks. Written through saveToCorpus, so a replaced local file is
 * kept in `.history/` as for an upload. Local files the database does not
 * name are left alone. Only the differing documents' bytes are fetched, one
 * at a time (up to 20 MB each).
 */
export async function materialise(pool: pg.Pool, corpusDir: string, log: CorpusLog): Promise<MaterialiseResult> {
  const { rows } = await pool.query<{ id: string; name: string; sha256: string }>(
    'SELECT DISTINCT ON (name) id, name, sha256 FROM corpus_documents ORDER BY name, id DESC',
  );
  const result: MaterialiseResult = { latest: 0, written: [], failed: [] };
  for (const row of rows) {
    const version = Number(row.id);
    result.latest = Math.max(result.latest, version);
    try {
      if (localHash(path.join(corpusDir, safeFileName(row.name))) === row.sha256) continue;
      const fetched = await pool.query<{ bytes: Buffer }>('SELECT bytes FROM corpus_documents WHERE id = $1', [row.id]);
      const bytes = fetched.rows[0]?.bytes;
      if (!bytes || sha256Hex(bytes) !== row.sha256) throw new Error(`version ${version} of ${row.name}: the stored bytes do not match their sha256`);
      const saved = saveToCorpus(corpusDir, row.name, bytes);
      if (saved.identical) continue;
      result.written.push(saved.savedName);
      log.info({ file: saved.savedPath, version, replaced: saved.replaced?.previousVersionPath }, 'shared corpus document written locally');
    } catch (e) {
      log.error({ err: e, name: row.name, version }, 'could not write a shared corpus document into the corpus folder');
      result.failed.push(row.name);
    }
  }
  return result;
}

const SyncStateSchema = z.object({
  localVersion: z.number().int().min(0),
  indexedVersion: z.number().int().min(0),
});
export type SyncState = z.infer<typeof SyncStateSchema>;

/** The folder's sync state; nothing yet (or an unreadable file, logged) is version 0, and then every document's hash decides. */
export function readSyncState(corpusDir: string, log: CorpusLog): SyncState {
  const file = path.join(corpusDir, SYNC_STATE_FILE);
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') log.warn({ err: e, file }, 'could not read the shared corpus state; starting from version 0');
    return { localVersion: 0, indexedVersion: 0 };
  }
  try {
    const s = SyncStateSchema.parse(JSON.parse(text));
    return { localVersion: s.localVersion, indexedVersion: Math.min(s.indexedVersion, s.localVersion) };
  } catch (e) {
    log.warn({ err: e, file }, 'shared corpus state is damaged; starting from version 0');
    return { localVersion: 0, indexedVersion: 0 };
  }
}

/** Written to a temporary name, then renamed: never half a file, even with several processes on one folder. */
export function writeSyncState(corpusDir: string, state: SyncState): void {
  fs.mkdirSync(corpusDir, { recursive: true });
  const file = path.join(corpusDir, SYNC_STATE_FILE);
  const tmp = `${file}.${process.pid}.part`;
  try {
    fs.writeFileSync(tmp, `${JSON.stringify(state)}\n`);
    fs.renameSync(tmp, file);
  } catch (e) {
    fs.rmSync(tmp, { force: true });
    throw e;
  }
}

/**
 * At start, before the index is checked (`npm start`): the corpus folder
 * brought to the shared corpus, so the index built next includes it.
 * Resolves with the local version now held.
 */
export async function prepareSharedCorpus(pool: pg.Pool, corpusDir: string, log: CorpusLog): Promise<SyncState & MaterialiseResult> {
  const state = readSyncState(corpusDir, log);
  const r = await materialise(pool, corpusDir, log);
  if (r.failed.length === 0) state.localVersion = r.latest;
  state.indexedVersion = Math.min(state.indexedVersion, state.localVersion);
  writeSyncState(corpusDir, state);
  if (r.written.length > 0) log.info({ version: state.localVersion, written: r.written.length }, 'shared corpus written into the corpus folder at start');
  return { ...state, ...r };
}

/** Records that the index now answers from the folder's files as of `version` (the start's index check found it up to date). */
export function recordIndexed(corpusDir: string, version: number, log: CorpusLog): void {
  const state = readSyncState(corpusDir, log);
  state.indexedVersion = Math.max(state.indexedVersion, Math.min(version, state.localVersion));
  writeSyncState(corpusDir, state);
}

export interface CorpusStatus {
  /** The latest version this instance knows the database has. */
  databaseVersion: number;
  /** The version the corpus folder holds. */
  localVersion: number;
  /** The version the index answers from (its re-index finished). */
  indexedVersion: number;
  /** The folder or its index is behind the database. */
  catchingUp: boolean;
}

export interface CorpusFollowerOptions {
  pool: pg.Pool;
  corpusDir: string;
  /** Re-indexes the corpus folder in the background; resolves once the new generation answers. */
  onChanged: () => Promise<unknown>;
  log: CorpusLog;
  /** First wait before listening again or retrying a failed sync; doubles up to maxRetryMs. */
  retryMs?: number;
  maxRetryMs?: number;
}

/**
 * Keeps this instance's corpus folder and index following the shared corpus:
 * LISTENs on a connection of its own and, at start, on every notice and after
 * the connection was lost and listened again (notices sent meanwhile are
 * lost), writes the changed documents into the folder and asks for a
 * re-index. Syncs run one at a time; notices arriving during one make one
 * more. The version counts as caught up only once the re-index that followed
 * it has finished.
 */
export class CorpusFollower {
  private localVersion: number;
  private indexedVersion: number;
  private databaseVersion: number;
  private client: pg.Client | undefined;
  private stopped = false;
  private reconnectTimer: NodeJS.Timeout | undefined;
  private retryTimer: NodeJS.Timeout | undefined;
  private listenFailures = 0;
  private syncFailures = 0;
  /** The sync under way (or the last one); the next one starts after it. */
  private current: Promise<void> = Promise.resolve();
  /** A sync asked for but not started yet: further asks join it. */
  private queued: Promise<void> | undefined;
  /** Counts syncs that wrote files, so a finished re-index knows whether it saw the latest files. */
  private writes = 0;
  private inFlight = 0;
  private readonly retryMs: number;
  private readonly maxRetryMs: number;

  constructor(private readonly o: CorpusFollowerOptions) {
    const state = readSyncState(o.corpusDir, o.log);
    this.localVersion = state.localVersion;
    this.indexedVersion = state.indexedVersion;
    this.databaseVersion = state.localVersion;
    this.retryMs = o.retryMs ?? 1000;
    this.maxRetryMs = o.maxRetryMs ?? 60_000;
  }

  /** Listens, then syncs once. Never throws: an unreachable database is logged and tried again. */
  async start(): Promise<void> {
    await this.listen();
    await this.sync();
  }

  status(): CorpusStatus {
    return {
      databaseVersion: this.databaseVersion,
      localVersion: this.localVersion,
      indexedVersion: this.indexedVersion,
      catchingUp: this.catchingUp(),
    };
  }

  catchingUp(): boolean {
    return this.localVersion < this.databaseVersion || this.indexedVersion < this.localVersion;
  }

  /** Brings the folder to the database now (one at a time); resolves when done. Failures are logged and retried later. */
  sync(): Promise<void> {
    if (this.queued) return this.queued;
    const next = this.current.then(() => {
      this.queued = undefined;
      return this.syncNow();
    });
    this.queued = next;
    this.current = next;
    return next;
  }

  /** Stops listening and retrying; waits for a sync under way to finish writing (a re-index it asked for goes on). */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.reconnectTimer);
    clearTimeout(this.retryTimer);
    const client = this.client;
    this.client = undefined;
    if (client) await client.end().catch((e: unknown) => this.o.log.warn({ err: e }, 'closing the shared corpus listener failed'));
    await this.current;
  }

  private backoff(failures: number): number {
    return Math.min(this.retryMs * 2 ** failures, this.maxRetryMs);
  }

  /** Opens the listening connection; false (and another try scheduled) when it cannot. */
  private async listen(): Promise<boolean> {
    if (this.stopped) return false;
    // Its own connection, not the pool's: a LISTENing connection must never be handed to other work.
    // pg-pool hides a given password from enumeration (stack traces), so it is passed on by name.
    const options = this.o.pool.options;
    const client = new pg.Client({ ...options, password: options.password, application_name: LISTENER_APPLICATION_NAME });
    client.on('notification', (n) => {
      if (n.channel === CORPUS_CHANNEL) this.onNotice(n.payload);
    });
    const lost = (e?: Error) => {
      if (this.client !== client) return;
      this.client = undefined;
      this.o.log.warn({ err: e }, 'lost the shared corpus listener; listening again');
      client.end().catch((x: unknown) => this.o.log.debug({ err: x }, 'closing the lost listener failed'));
      this.scheduleReconnect();
    };
    client.on('error', lost);
    client.on('end', () => lost());
    try {
      await client.connect();
      await client.query(`LISTEN ${CORPUS_CHANNEL}`);
    } catch (e) {
      this.o.log.warn({ err: e, attempt: this.listenFailures + 1 }, 'could not listen for shared corpus changes; trying again');
      client.end().catch((x: unknown) => this.o.log.debug({ err: x }, 'closing the failed listener failed'));
      this.scheduleReconnect();
      return false;
    }
    if (this.stopped) {
      await client.end().catch((x: unknown) => this.o.log.debug({ err: x }, 'closing the listener failed'));
      return false;
    }
    this.client = client;
    if (this.listenFailures > 0) this.o.log.info({}, 'listening for shared corpus changes again');
    this.listenFailures = 0;
    return true;
  }

  private scheduleReconnect(): void {
    if (this.stopped) return;
    clearTimeout(this.reconnectTimer);
    this.reconnectTimer = setTimeout(() => {
      void this.listen().then((ok) => (ok ? this.sync() : undefined));
    }, this.backoff(this.listenFailures++));
    this.reconnectTimer.unref();
  }

  private scheduleRetry(): void {
    if (this.stopped || this.retryTimer) return;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      void this.sync();
    }, this.backoff(this.syncFailures++));
    this.retryTimer.unref();
  }

  private onNotice(payload: string | undefined): void {
    const version = Number(payload);
    this.o.log.debug({ version: payload }, 'shared corpus notice');
    // Said at once (/sources says it is catching up), before the sync has even read it.
    if (Number.isSafeInteger(version) && version > this.databaseVersion) this.databaseVersion = version;
    void this.sync();
  }

  private persist(): void {
    try {
      writeSyncState(this.o.corpusDir, { localVersion: this.localVersion, indexedVersion: this.indexedVersion });
    } catch (e) {
      // The versions in memory stay right; after a restart the hashes decide again.
      this.o.log.error({ err: e, corpusDir: this.o.corpusDir }, 'could not save the shared corpus state');
    }
  }

  /** Never rejects: a failure is logged and the sync tried again later. */
  private async syncNow(): Promise<void> {
    if (this.stopped) return;
    clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    this.o.log.debug({ localVersion: this.localVersion }, 'shared corpus sync started');
    let r: MaterialiseResult;
    try {
      r = await materialise(this.o.pool, this.o.corpusDir, this.o.log);
    } catch (e) {
      this.o.log.error({ err: e }, 'could not read the shared corpus; trying again');
      return this.scheduleRetry();
    } finally {
      this.o.log.debug({}, 'shared corpus sync finished');
    }
    this.databaseVersion = Math.max(this.databaseVersion, r.latest);
    if (r.failed.length === 0) this.localVersion = Math.max(this.localVersion, r.latest);
    if (r.written.length > 0) {
      this.writes++;
      this.o.log.info({ version: this.localVersion, written: r.written }, 'shared corpus changed; re-indexing in the background');
    }
    // Anything the index does not answer from yet is indexed: files just written, a re-index that failed
    // or that a crash cut short, and a newer version with nothing to write (an upload made here, a folder
    // another process filled). Only the index says what answers; an unchanged corpus re-indexes in moments.
    if (r.written.length > 0 || (this.indexedVersion < this.localVersion && this.inFlight === 0)) this.requestIndex();
    this.persist();
    if (r.failed.length > 0) this.scheduleRetry();
    else this.syncFailures = 0;
  }

  private requestIndex(): void {
    const version = this.localVersion;
    const writes = this.writes;
    this.inFlight++;
    let run: Promise<unknown>;
    try {
      run = this.o.onChanged();
    } catch (e) {
      run = Promise.reject(e);
    }
    run
      .then(
        () => {
          // No file written since it was asked for: it indexed every version the folder holds now.
          const all = writes === this.writes;
          this.indexedVersion = Math.max(this.indexedVersion, all ? this.localVersion : version);
          this.persist();
        },
        (e: unknown) => {
          this.o.log.error({ err: e, version }, 're-index after a shared corpus change failed; trying again later');
          this.scheduleRetry();
        },
      )
      .finally(() => this.inFlight--);
  }
}
