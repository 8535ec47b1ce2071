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

  constructor(db: Database.Database, table: 'checklist_runs' | 'tour_runs', private readonly schema: z.ZodType<T>) {
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
    if (!row) return undefined;
    let raw: unknown;
    try {
      raw = JSON.parse(row.run);
    } catch {
      return undefined;
    }
    const parsed = this.schema.safeParse(raw);
    return parsed.success ? parsed.data : undefined;
  }

  save(userId: string, value: T): void {
    write('save', () => this.putStmt.run(userId, JSON.stringify(value), new Date().toISOString()));
  }

  delete(userId: string): void {
    write('delete', () => this.delStmt.run(userId));
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
