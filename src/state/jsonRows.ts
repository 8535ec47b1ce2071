import type Database from 'better-sqlite3';
import type { z } from 'zod';
import { tablesOf, type DocumentTable, type HistoryRow, type HistoryTable, type StateTables } from './tables.js';

/**
 * One JSON document per user in a state table (user_id, run, updated_at),
 * validated by a zod schema when read. A row that no longer parses (an older
 * version, damage) reads as absent: the user starts over rather than being stuck.
 * The same holds when the database itself cannot be read: the engine reads
 * state on every message, and questions must keep working. A failed write is
 * a StateDbError with a Chinese message, never the database's English.
 */
export class UserDocuments<T> {
  protected readonly tables: StateTables;

  constructor(source: Database.Database | StateTables, private readonly table: DocumentTable, private readonly schema: z.ZodType<T>) {
    this.tables = tablesOf(source);
  }

  get(userId: string): T | undefined {
    const json = this.tables.getDocument(this.table, userId);
    return json === undefined ? undefined : parseDocument(json, this.schema);
  }

  save(userId: string, value: T): void {
    this.tables.putDocument(this.table, userId, JSON.stringify(value));
  }

  delete(userId: string): void {
    this.tables.deleteDocument(this.table, userId);
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

/** One filed document of a user's history, with when it was filed (ISO time). */
export interface Filed<T> {
  id: number;
  at: string;
  value: T;
}

/**
 * Documents a user accumulates (finished reports), newest first. Like
 * UserDocuments: validated when read, a row that no longer parses is left
 * out, a database that cannot be read reads as empty, and a failed write is
 * a StateDbError.
 */
export class UserHistory<T> {
  private readonly tables: StateTables;

  constructor(source: Database.Database | StateTables, private readonly table: HistoryTable, private readonly schema: z.ZodType<T>) {
    this.tables = tablesOf(source);
  }

  /** Files `value`; `alongside` (another state write) commits in the same transaction, so neither is saved without the other. */
  add(userId: string, value: T, alongside?: () => void): number {
    return this.tables.addHistory(this.table, userId, JSON.stringify(value), alongside);
  }

  /** The user's documents that still parse, newest first (a user files a few, so all are read). */
  list(userId: string): Filed<T>[] {
    return this.parsed(this.tables.listHistory(this.table, userId));
  }

  get(userId: string, id: number): Filed<T> | undefined {
    const row = this.tables.getHistory(this.table, userId, id);
    return row ? this.parsed([row])[0] : undefined;
  }

  private parsed(rows: HistoryRow[]): Filed<T>[] {
    return rows.flatMap((r) => {
      const value = parseDocument(r.run, this.schema);
      return value === undefined ? [] : [{ id: r.id, at: r.finished_at, value }];
    });
  }
}
