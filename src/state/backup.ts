import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';

/**
 * Checklist figures are typed in by hand over days; a backup every 6 hours
 * bounds what a damaged file can cost to half a working day of answers, at a
 * few kilobytes per copy.
 */
export const BACKUP_INTERVAL_MS = 6 * 60 * 60 * 1000;

/**
 * Scheduled backups kept. Every backup is integrity-checked before it counts,
 * so the newest one is good; three leave room for a damaged one written while
 * the source already held bad data (quick_check does not see logical damage)
 * and for a few restarts in a row, each of which also takes one.
 */
export const BACKUPS_KEPT = 3;

const PREFIX = 'state-';
const TMP = '.tmp';
/** Pre-migration copies are tagged so rotation keeps them: they are the only copy at the old schema. */
const BEFORE = '.before-v';
const NAME = /^state-(\d{4}-\d\d-\d\dT\d\d-\d\d-\d\d\.\d{3}Z)(\.before-v(\d+))?\.db$/u;

export interface BackupFile {
  file: string;
  takenAt: Date;
  /** Set for the copy taken before migrating to this schema version. */
  beforeVersion?: number;
}

/** `<dir of state db>/backups`. */
export function backupsDir(stateFile: string): string {
  return path.join(path.dirname(stateFile), 'backups');
}

/** ISO time with `-` for `:`, which some file systems refuse in names; sorts like the time. */
function stamp(d: Date): string {
  return d.toISOString().replace(/:/gu, '-');
}

function parseStamp(s: string): Date {
  return new Date(s.replace(/T(\d\d)-(\d\d)-(\d\d)/u, 'T$1:$2:$3'));
}

/** Every backup of this state file, newest first. */
export function listBackups(stateFile: string): BackupFile[] {
  const dir = backupsDir(stateFile);
  if (!fs.existsSync(dir)) return [];
  const out: BackupFile[] = [];
  for (const name of fs.readdirSync(dir)) {
    const m = NAME.exec(name);
    if (!m) continue;
    out.push({ file: path.join(dir, name), takenAt: parseStamp(m[1]!), ...(m[3] ? { beforeVersion: Number(m[3]) } : {}) });
  }
  return out.sort((a, b) => b.takenAt.getTime() - a.takenAt.getTime() || b.file.localeCompare(a.file));
}

/** A name not yet used: two backups in the same millisecond must not overwrite each other. */
function freshName(dir: string, tag: string): string {
  for (let t = Date.now(); ; t++) {
    const file = path.join(dir, `${PREFIX}${stamp(new Date(t))}${tag}.db`);
    if (!fs.existsSync(file) && !fs.existsSync(file + TMP)) return file;
  }
}

/**
 * Opens the file read-write, checks it and leaves it in rollback-journal mode
 * (a backup copies the source's WAL flag; a single self-contained file is what
 * a restore copies). False when the file is not a sound database.
 */
export function isIntact(file: string, options: { standalone?: boolean } = {}): boolean {
  let db: Database.Database | undefined;
  try {
    db = new Database(file, { fileMustExist: true });
    const ok = quickCheckOk(db);
    if (ok && options.standalone) db.pragma('journal_mode = DELETE');
    return ok;
  } catch {
    return false;
  } finally {
    db?.close();
  }
}

/** `PRAGMA quick_check` answers one row `ok`, or up to 100 rows describing problems. */
export function quickCheckOk(db: Database.Database): boolean {
  const rows = db.pragma('quick_check') as { quick_check: string }[];
  return rows.length === 1 && rows[0]!.quick_check === 'ok';
}

/** Moves a finished, checked copy into place; a copy that fails the check never counts as a backup. */
function publish(tmp: string, file: string): string {
  if (!isIntact(tmp, { standalone: true })) {
    fs.rmSync(tmp, { force: true });
    throw new Error(`backup ${tmp} failed quick_check`);
  }
  fs.renameSync(tmp, file);
  return file;
}

/**
 * A consistent copy via SQLite's online backup (better-sqlite3 `db.backup`):
 * writes made on this connection before the call are in it, and the bot keeps
 * answering while it runs. Then rotation keeps the newest `keep` scheduled ones.
 */
export async function backupNow(db: Database.Database, stateFile: string, keep = BACKUPS_KEPT): Promise<string> {
  const dir = backupsDir(stateFile);
  fs.mkdirSync(dir, { recursive: true });
  const file = freshName(dir, '');
  const tmp = file + TMP;
  try {
    await db.backup(tmp);
  } catch (e) {
    fs.rmSync(tmp, { force: true });
    throw e;
  }
  publish(tmp, file);
  rotate(stateFile, keep);
  return file;
}

/**
 * The copy taken before a migration changes the schema. Synchronous
 * (`VACUUM INTO`, as consistent as the online backup) because the migration
 * must not start before the copy exists, and opening is synchronous.
 */
export function backupBeforeMigration(db: Database.Database, stateFile: string, toVersion: number): string {
  const dir = backupsDir(stateFile);
  fs.mkdirSync(dir, { recursive: true });
  const file = freshName(dir, `${BEFORE}${toVersion}`);
  const tmp = file + TMP;
  try {
    db.prepare('VACUUM INTO ?').run(tmp);
  } catch (e) {
    fs.rmSync(tmp, { force: true });
    throw e;
  }
  return publish(tmp, file);
}

/** Deletes scheduled backups beyond the newest `keep`, and copies a crash left unfinished. */
export function rotate(stateFile: string, keep = BACKUPS_KEPT): void {
  const dir = backupsDir(stateFile);
  for (const name of fs.readdirSync(dir)) if (name.startsWith(PREFIX) && name.endsWith(TMP)) fs.rmSync(path.join(dir, name), { force: true });
  const scheduled = listBackups(stateFile).filter((b) => b.beforeVersion === undefined);
  for (const old of scheduled.slice(keep)) fs.rmSync(old.file, { force: true });
}
