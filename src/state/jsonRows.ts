import type Database from 'better-sqlite3';
import type { z } from 'zod';
import { isDamage, isSqliteError, SAVE_DAMAGED, SAVE_FAILED, StateDbError } from './errors.js';
import { stateWrite } from './inbox.js';

/**
 * One JSON document per user in a state table (user_id, run, updated_at),
 * validated by a zod schema when read. A row that no longer parses (an older
 * version, damage) reads as absent: the user starts over rather than being stuck.
 * The same holds when SQLite itself cannot read (a file damaged while running):
 * the engine reads state on every message, and questions must keep working.
 * A failed write is a StateDbError with a Chinese message, never SQLite's English.
 */
export class UserDocuments<T> {
  private readonly getStmt: Database.Statement;
  private readonly putStmt: Database.Statement;
  private readonly delStmt: Database.Statement;

  constructor(db: Database.Database, table: 'checklist_runs' | 'tour_runs' | 'chat_topics', private readonly schema: z.ZodType<T>) {
    this.getStmt = db.prepare(`SELECT run FROM ${table} WHERE user_id = ?`);
    this.putStmt = db.prepare(
      `INSERT INTO ${table} (user_id, run, updated_at) VALUES (?, ?, ?)
       ON CONFLICT(user_id) DO UPDATE SET run = excluded.run, updated_at = excluded.updated_at`,
    );
    this.delStmt = db.prepare(`DELETE FROM ${table} WHERE user_id = ?`);
  }

  get(userId: string): T | undefined {
    let row: { run: string } | undefined;
    try {
      row = this.getStmt.get(userId) as { run: string } | undefined;
    } catch (e) {
      if (isSqliteError(e)) return undefined;
      throw e;
    }
    return row ? parseDocument(row.run, this.schema) : undefined;
  }

  save(userId: string, value: T): void {
    write('save', () => this.putStmt.run(userId, JSON.stringify(value), new Date().toISOString()));
  }

  delete(userId: string): void {
    write('delete', () => this.delStmt.run(userId));
  }
}

function parseDocument<T>(text: string, schema: z.ZodType<T>): T | undefined {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return undefined;
  }
  const parsed = schema.safeParse(raw);
  return parsed.success ? parsed.data : undefined;
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

/** One filed document of a user's history, with when it was filed (ISO time). */
export interface Filed<T> {
  id: number;
  at: string;
  value: T;
}

/**
 * Documents a user accumulates (finished reports), newest first, in a table
 * (id, user_id, run, finished_at). Like UserDocuments: validated when read,
 * a row that no longer parses is left out, a database that cannot be read
 * reads as empty, and a failed write is a StateDbError.
 */
export class UserHistory<T> {
  private readonly insertStmt: Database.Statement;
  private readonly listStmt: Database.Statement;
  private readonly getStmt: Database.Statement;

  constructor(private readonly db: Database.Database, table: 'checklist_reports', private readonly schema: z.ZodType<T>) {
    this.insertStmt = db.prepare(`INSERT INTO ${table} (user_id, run, finished_at) VALUES (?, ?, ?)`);
    this.listStmt = db.prepare(`SELECT id, run, finished_at FROM ${table} WHERE user_id = ? ORDER BY id DESC`);
    this.getStmt = db.prepare(`SELECT id, run, finished_at FROM ${table} WHERE user_id = ? AND id = ?`);
  }

  /** Files `value`; `alongside` (another state write) commits in the same transaction, so neither is saved without the other. */
  add(userId: string, value: T, alongside?: () => void): number {
    let id = 0;
    write('file', () =>
      this.db.transaction(() => {
        alongside?.();
        id = Number(this.insertStmt.run(userId, JSON.stringify(value), new Date().toISOString()).lastInsertRowid);
      })(),
    );
    return id;
  }

  /** The user's documents that still parse, newest first (a user files a few, so all are read). */
  list(userId: string): Filed<T>[] {
    return this.read(() => this.listStmt.all(userId) as Row[]);
  }

  get(userId: string, id: number): Filed<T> | undefined {
    return this.read(() => {
      const row = this.getStmt.get(userId, id) as Row | undefined;
      return row ? [row] : [];
    })[0];
  }

  private read(rows: () => Row[]): Filed<T>[] {
    let found: Row[];
    try {
      found = rows();
    } catch (e) {
      if (isSqliteError(e)) return [];
      throw e;
    }
    return found.flatMap((r) => {
      const value = parseDocument(r.run, this.schema);
      return value === undefined ? [] : [{ id: r.id, at: r.finished_at, value }];
    });
  }
}

interface Row {
  id: number;
  run: string;
  finished_at: string;
}
