import type Database from 'better-sqlite3';
import type { z } from 'zod';

/**
 * One JSON document per user in a state table (user_id, run, updated_at),
 * validated by a zod schema when read. A row that no longer parses (an older
 * version, damage) reads as absent: the user starts over rather than being stuck.
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
    const row = this.getStmt.get(userId) as { run: string } | undefined;
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
    this.putStmt.run(userId, JSON.stringify(value), new Date().toISOString());
  }

  delete(userId: string): void {
    this.delStmt.run(userId);
  }
}
