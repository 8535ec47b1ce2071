import type Database from 'better-sqlite3';
import { isDamage, isSqliteError, SAVE_DAMAGED, SAVE_FAILED, StateDbError } from './errors.js';
import { stateWrite } from './inbox.js';

/** Tables holding one JSON document per user. */
export type DocumentTable = 'checklist_runs' | 'tour_runs' | 'chat_topics';
/** Tables holding documents a user accumulates. */
export type HistoryTable = 'checklist_reports';

export interface HistoryRow {
  id: number;
  run: string;
  finished_at: string;
}

/**
 * Where user state lives, as the dialogue sees it: synchronous reads and
 * writes of one user's rows. SQLite answers from the file; PostgreSQL from
 * the user's rows loaded when their turn began (src/state/pg/snapshot.ts),
 * its writes committed before the turn's replies go out. Reads that fail
 * return nothing (the user starts over rather than being stuck); failed
 * writes throw a StateDbError with a Chinese message.
 */
export interface StateTables {
  getDocument(table: DocumentTable, userId: string): string | undefined;
  putDocument(table: DocumentTable, userId: string, json: string): void;
  deleteDocument(table: DocumentTable, userId: string): void;
  /** Files a document; `alongside` (another write) commits with it or not at all. Returns its id (unique per user). */
  addHistory(table: HistoryTable, userId: string, json: string, alongside?: () => void): number;
  /** Newest first. */
  listHistory(table: HistoryTable, userId: string): HistoryRow[];
  getHistory(table: HistoryTable, userId: string, id: number): HistoryRow | undefined;
}

/** The SQLite file's tables: every write commits at once (inside an update, with its `applied` mark). */
export class SqliteTables implements StateTables {
  private readonly statements = new Map<string, Database.Statement>();

  constructor(private readonly db: Database.Database) {}

  private stmt(sql: string): Database.Statement {
    let s = this.statements.get(sql);
    if (!s) this.statements.set(sql, (s = this.db.prepare(sql)));
    return s;
  }

  getDocument(table: DocumentTable, userId: string): string | undefined {
    return read(() => (this.stmt(`SELECT run FROM ${table} WHERE user_id = ?`).get(userId) as { run: string } | undefined)?.run, undefined);
  }

  putDocument(table: DocumentTable, userId: string, json: string): void {
    write('save', () =>
      this.stmt(
        `INSERT INTO ${table} (user_id, run, updated_at) VALUES (?, ?, ?)
         ON CONFLICT(user_id) DO UPDATE SET run = excluded.run, updated_at = excluded.updated_at`,
      ).run(userId, json, new Date().toISOString()),
    );
  }

  deleteDocument(table: DocumentTable, userId: string): void {
    write('delete', () => this.stmt(`DELETE FROM ${table} WHERE user_id = ?`).run(userId));
  }

  addHistory(table: HistoryTable, userId: string, json: string, alongside?: () => void): number {
    let id = 0;
    write('file', () =>
      this.db.transaction(() => {
        alongside?.();
        const sql = `INSERT INTO ${table} (user_id, run, finished_at) VALUES (?, ?, ?)`;
        id = Number(this.stmt(sql).run(userId, json, new Date().toISOString()).lastInsertRowid);
      })(),
    );
    return id;
  }

  listHistory(table: HistoryTable, userId: string): HistoryRow[] {
    return read(() => this.stmt(`SELECT id, run, finished_at FROM ${table} WHERE user_id = ? ORDER BY id DESC`).all(userId) as HistoryRow[], []);
  }

  getHistory(table: HistoryTable, userId: string, id: number): HistoryRow | undefined {
    return read(() => this.stmt(`SELECT id, run, finished_at FROM ${table} WHERE user_id = ? AND id = ?`).get(userId, id) as HistoryRow | undefined, undefined);
  }
}

/** The engine reads state on every message, and questions must keep working when the file cannot be read. */
function read<T>(run: () => T, fallback: T): T {
  try {
    return run();
  } catch (e) {
    if (isSqliteError(e)) return fallback;
    throw e;
  }
}

function write(what: string, run: () => unknown): void {
  try {
    stateWrite(() => void run());
  } catch (e) {
    if (!isSqliteError(e)) throw e;
    const damaged = isDamage(e);
    throw new StateDbError(damaged ? SAVE_DAMAGED : SAVE_FAILED, `state ${what} failed: ${(e as Error).message}`, damaged, { cause: e });
  }
}

/** Stores accept the SQLite handle itself (tests, one machine) or any StateTables. */
export function tablesOf(source: Database.Database | StateTables): StateTables {
  return 'getDocument' in source ? source : new SqliteTables(source);
}
