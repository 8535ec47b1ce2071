import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type Database from 'better-sqlite3';
import { z } from 'zod';
import { UserDocuments } from '../../src/state/jsonRows.js';

const made: string[] = [];

/** A temporary folder removed by `cleanUp`. */
export function workDir(prefix: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `junheng-state-${prefix}-`));
  made.push(dir);
  return dir;
}

export function cleanUp(): void {
  for (const d of made.splice(0)) fs.rmSync(d, { recursive: true, force: true });
}

/** A small per-user document, stored like checklist runs. */
export const Note = z.object({ n: z.number(), text: z.string() });
export type Note = z.infer<typeof Note>;

export function notes(db: Database.Database): UserDocuments<Note> {
  return new UserDocuments(db, 'checklist_runs', Note);
}

/** Enough rows to span several pages, so a truncated file loses some of them. */
export function fillPages(db: Database.Database, users = 60): void {
  const docs = notes(db);
  for (let i = 0; i < users; i++) docs.save(`user-${i}`, { n: i, text: '自查进度'.repeat(60) });
}

/** Overwrites the whole file with bytes that are not SQLite (the -wal is gone after a clean close). */
export function writeGarbage(file: string): Buffer {
  const bytes = Buffer.alloc(16 * 1024);
  for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 7919 + 13) % 251;
  fs.writeFileSync(file, bytes);
  return bytes;
}
