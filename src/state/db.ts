import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { BACKUP_INTERVAL_MS, backupBeforeMigration, backupNow, isIntact, listBackups, quickCheckOk } from './backup.js';
import { isDamage, StateDbError } from './errors.js';

const MIGRATIONS = [
  `CREATE TABLE checklist_runs (
     user_id TEXT PRIMARY KEY,
     run TEXT NOT NULL,
     updated_at TEXT NOT NULL
   )`,
  `CREATE TABLE tour_runs (
     user_id TEXT PRIMARY KEY,
     run TEXT NOT NULL,
     updated_at TEXT NOT NULL
   )`,
  // Telegram updates from arrival until handled (src/state/inbox.ts).
  `CREATE TABLE update_inbox (
     update_id INTEGER PRIMARY KEY,
     user_id TEXT NOT NULL,
     payload TEXT NOT NULL,
     status TEXT NOT NULL CHECK (status IN ('pending', 'applied', 'done')),
     attempts INTEGER NOT NULL DEFAULT 0,
     received_at TEXT NOT NULL
   )`,
  // Finished checklist reports, kept when a new run starts (/report lists them).
  // Runs already finished before this table existed are filed as the first reports.
  `CREATE TABLE checklist_reports (
     id INTEGER PRIMARY KEY AUTOINCREMENT,
     user_id TEXT NOT NULL,
     run TEXT NOT NULL,
     finished_at TEXT NOT NULL
   );
   CREATE INDEX checklist_reports_by_user ON checklist_reports (user_id, id);
   INSERT INTO checklist_reports (user_id, run, finished_at)
     SELECT user_id, run, updated_at FROM checklist_runs
     WHERE CASE WHEN json_valid(run) THEN json_extract(run, '$.step.kind') = 'done' AND json_extract(run, '$.answers') != '{}' ELSE 0 END`,
  // What a user's last answer was about, for a follow-up question (那初中呢？) after a restart too.
  `CREATE TABLE chat_topics (
     user_id TEXT PRIMARY KEY,
     run TEXT NOT NULL,
     updated_at TEXT NOT NULL
   )`,
];

/** The schema version `openStateDb` migrates to. */
export const SCHEMA_VERSION = MIGRATIONS.length;

const MEMORY = ':memory:';
const SIDE_FILES = ['', '-wal', '-shm'] as const;

/**
 * User state (checklist runs, tour progress): one SQLite file outside the
 * index folder, so neither a re-index nor deleting `index/` touches it.
 * WAL lets the bot read while it writes; every change is committed before
 * the reply goes out, so a crash loses nothing a user was told was saved.
 * Throws on a damaged file (`isDamage`); `openUserState` is the opener that
 * never throws.
 */
export function openStateDb(file: string): Database.Database {
  if (file !== MEMORY) {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const problem = headerProblem(file);
    if (problem) throw new StateDbError('用户数据文件损坏。', `${file}: ${problem}`, true);
  }
  const db = new Database(file);
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.pragma('busy_timeout = 5000');
    if (!quickCheckOk(db)) throw new StateDbError('用户数据文件损坏。', `${file}: quick_check is not ok`, true);
    const version = db.pragma('user_version', { simple: true }) as number;
    if (version < MIGRATIONS.length) {
      // A file that already holds users' rows is copied before its schema changes.
      if (version > 0 && file !== MEMORY) backupBeforeMigration(db, file, MIGRATIONS.length);
      db.transaction(() => {
        for (let v = version; v < MIGRATIONS.length; v++) db.exec(MIGRATIONS[v]!);
        db.pragma(`user_version = ${MIGRATIONS.length}`);
      })();
    }
    return db;
  } catch (e) {
    db.close();
    throw e;
  }
}

const MAGIC = Buffer.from('SQLite format 3\0', 'latin1');
/** SQLite's file header is 100 bytes; a database file is never shorter. */
const HEADER_BYTES = 100;

/**
 * Checked before SQLite opens the file: given a file that is not a database,
 * SQLite deletes its -wal on close, and treats an empty file (truncated to
 * nothing) as a new database rather than as lost data.
 */
function headerProblem(file: string): string | undefined {
  let fd: number;
  try {
    fd = fs.openSync(file, 'r');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
  try {
    const header = Buffer.alloc(HEADER_BYTES);
    const read = fs.readSync(fd, header, 0, HEADER_BYTES, 0);
    if (read < HEADER_BYTES) return `${read} bytes, shorter than an SQLite header`;
    if (!header.subarray(0, MAGIC.length).equals(MAGIC)) return 'not an SQLite database file (bad header)';
    return undefined;
  } finally {
    fs.closeSync(fd);
  }
}

/** What happened when the state file could not be used as it was. */
export interface StateRecovery {
  /** When the damage was found. */
  at: Date;
  /**
   * `restored`: the damaged file was replaced by the newest good backup;
   * `fresh`: no good backup, a new empty database; `memory`: no file could be
   * opened or created, state lives in memory for this run only.
   */
  kind: 'restored' | 'fresh' | 'memory';
  /** Where the damaged file was moved (with its -wal/-shm beside it). */
  damagedFile?: string;
  /** The backup restored, and when it was taken. */
  restoredFrom?: string;
  backupTakenAt?: Date;
  /** Technical cause, for the log. */
  cause: string;
}

export interface StateDbOpened {
  db: Database.Database;
  /** The file in use; undefined when state lives in memory. */
  file: string | undefined;
  /** Set when the file was damaged or unusable; what users are told. */
  recovered?: StateRecovery;
  /** Set when an old `<INDEX_DIR>/state.db` was moved to `file`. */
  movedFrom?: string;
  /** Takes a backup now (queued after one in progress); undefined when state is in memory or closed. */
  backup(): Promise<string | undefined>;
  /** Resolves when queued backups have finished. */
  idle(): Promise<void>;
  /** Stops the backup schedule and closes the database. */
  close(): void;
}

/** The part of the technical log the opener writes to. */
export interface StateLog {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export interface OpenUserStateOptions {
  /** The old default location: moved to `file` once if `file` does not exist yet. */
  legacyFile?: string;
  /** A pino logger fits; nothing is logged without one. */
  log?: StateLog;
  /** Back up at start and every BACKUP_INTERVAL_MS (default true). */
  scheduleBackups?: boolean;
}

const quiet: StateLog = { info: () => undefined, warn: () => undefined, error: () => undefined };

function pad(n: number): string {
  return String(n).padStart(2, '0');
}

/** Local wall-clock time as people read it in a notice: 2025-03-01 14:05. */
export function localTime(d: Date): string {
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** The Chinese notice for users (and the terminal) about a recovery. */
export function stateNoticeText(r: StateRecovery): string {
  switch (r.kind) {
    case 'restored':
      return `用户数据文件损坏，已恢复到 ${localTime(r.backupTakenAt ?? r.at)} 的备份；之后的自查进度可能需要重新填写。`;
    case 'fresh':
      return '用户数据文件损坏，已重新建立，之前的自查进度无法恢复。';
    case 'memory':
      return '用户数据文件无法打开，本次运行中的自查进度不会保存。请联系管理员；问题照常可以回答。';
  }
}

function explain(e: unknown): string {
  return e instanceof Error ? `${(e as { code?: string }).code ?? e.name}: ${e.message}` : String(e);
}

/** rename, or copy + delete when `to` is on another file system (a mounted data volume). */
function moveFile(from: string, to: string): void {
  try {
    fs.renameSync(from, to);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EXDEV') throw e;
    fs.copyFileSync(from, to);
    fs.rmSync(from);
  }
}

/** Moves a database with its -wal/-shm, keeping SQLite's pairing of names. */
function moveDbFiles(from: string, to: string): void {
  for (const suffix of SIDE_FILES) if (fs.existsSync(from + suffix)) moveFile(from + suffix, to + suffix);
}

function removeDbFiles(file: string): void {
  for (const suffix of SIDE_FILES) fs.rmSync(file + suffix, { force: true });
}

/**
 * The one-time move from `<INDEX_DIR>/state.db`. Checkpointing first puts every
 * committed row into the main file, so it can travel alone; a file too damaged
 * to checkpoint is moved as it is (with its WAL) and recovered at open.
 * Returns the file to use: the legacy one in place if it cannot be moved.
 */
function moveLegacy(legacy: string, file: string, log: StateLog): { file: string; moved: boolean } {
  if (fs.existsSync(file) || !fs.existsSync(legacy)) return { file, moved: false };
  try {
    const problem = headerProblem(legacy);
    if (problem) throw new Error(problem);
    const old = new Database(legacy, { fileMustExist: true });
    try {
      old.pragma('wal_checkpoint(TRUNCATE)');
    } finally {
      old.close();
    }
  } catch (e) {
    log.warn({ from: legacy, err: e }, 'could not checkpoint the old state database; moving it as it is');
  }
  try {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    moveDbFiles(legacy, file);
  } catch (e) {
    log.error({ from: legacy, to: file, err: e }, 'could not move the old state database; using it where it is');
    return { file: legacy, moved: false };
  }
  log.info({ from: legacy, to: file }, 'moved user state out of the index folder');
  return { file, moved: true };
}

/**
 * Moves the damaged file aside as `<file>.damaged-<time>` and puts the newest
 * backup that passes quick_check in its place, or a fresh database. Each
 * candidate is copied before it is checked, so the backups themselves are
 * never opened for writing.
 */
function recover(file: string, cause: unknown, log: StateLog): { db: Database.Database; recovered: StateRecovery } {
  const at = new Date();
  const damagedFile = `${file}.damaged-${at.toISOString().replace(/:/gu, '-')}`;
  const base = { at, cause: explain(cause) };
  try {
    moveDbFiles(file, damagedFile);
  } catch (e) {
    return inMemory(file, { ...base, cause: `${base.cause}; could not move it aside: ${explain(e)}` }, log);
  }
  const restoring = `${file}.restoring`;
  for (const backup of listBackups(file)) {
    try {
      removeDbFiles(restoring);
      fs.copyFileSync(backup.file, restoring);
      if (!isIntact(restoring)) {
        log.warn({ backup: backup.file }, 'backup of the state database fails quick_check; trying an older one');
        continue;
      }
      removeDbFiles(file);
      moveDbFiles(restoring, file);
      const db = openStateDb(file);
      const recovered: StateRecovery = { ...base, kind: 'restored', damagedFile, restoredFrom: backup.file, backupTakenAt: backup.takenAt };
      log.warn({ ...recovered }, 'state database was damaged; restored the newest good backup');
      return { db, recovered };
    } catch (e) {
      log.warn({ backup: backup.file, err: e }, 'could not restore this backup of the state database; trying an older one');
    } finally {
      removeDbFiles(restoring);
    }
  }
  try {
    removeDbFiles(file);
    const db = openStateDb(file);
    const recovered: StateRecovery = { ...base, kind: 'fresh', damagedFile };
    log.warn({ ...recovered }, 'state database was damaged and no good backup exists; started a fresh one');
    return { db, recovered };
  } catch (e) {
    return inMemory(file, { ...base, damagedFile, cause: `${base.cause}; could not create a fresh one: ${explain(e)}` }, log);
  }
}

/** Last resort, so questions keep working: state for this run only. */
function inMemory(file: string, r: Omit<StateRecovery, 'kind'>, log: StateLog): { db: Database.Database; recovered: StateRecovery } {
  const recovered: StateRecovery = { ...r, kind: 'memory' };
  log.error({ file, ...recovered }, 'state database cannot be opened or created; keeping user state in memory for this run');
  return { db: openStateDb(MEMORY), recovered };
}

class OpenedState implements StateDbOpened {
  private queue: Promise<unknown> = Promise.resolve();
  private timer: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(
    readonly db: Database.Database,
    readonly file: string | undefined,
    readonly recovered: StateRecovery | undefined,
    readonly movedFrom: string | undefined,
    private readonly log: StateLog,
    schedule: boolean,
  ) {
    if (schedule && file) {
      this.scheduled();
      // unref: a pending backup never keeps the process alive after the chat ends.
      this.timer = setInterval(() => this.scheduled(), BACKUP_INTERVAL_MS).unref();
    }
  }

  private scheduled(): void {
    this.backup().catch((e: unknown) => {
      if (!this.closed) this.log.error({ file: this.file, err: e }, 'scheduled backup of the state database failed');
    });
  }

  backup(): Promise<string | undefined> {
    const file = this.file;
    if (!file || this.closed) return Promise.resolve(undefined);
    const run = this.queue.then(() => (this.closed ? undefined : backupNow(this.db, file)));
    this.queue = run.catch(() => undefined);
    return run;
  }

  async idle(): Promise<void> {
    await this.queue;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.timer);
    this.db.close();
  }
}

/**
 * Opens the user state and never throws: a damaged file is moved aside and
 * replaced by the newest good backup (or a fresh database), and when no file
 * can be used at all, state lives in memory. `recovered` says which, so the
 * app can tell users (`stateNoticeText`).
 */
export function openUserState(file: string, options: OpenUserStateOptions = {}): StateDbOpened {
  const log = options.log ?? quiet;
  let movedFrom: string | undefined;
  if (options.legacyFile && path.resolve(options.legacyFile) !== path.resolve(file)) {
    const legacy = moveLegacy(options.legacyFile, file, log);
    file = legacy.file;
    if (legacy.moved) movedFrom = options.legacyFile;
  }
  let opened: { db: Database.Database; recovered?: StateRecovery };
  try {
    opened = { db: openStateDb(file) };
  } catch (e) {
    opened = isDamage(e) ? recover(file, e, log) : inMemory(file, { at: new Date(), cause: explain(e) }, log);
  }
  const { db, recovered } = opened;
  const inFile = recovered?.kind !== 'memory';
  return new OpenedState(db, inFile ? file : undefined, recovered, movedFrom, log, options.scheduleBackups ?? true);
}
