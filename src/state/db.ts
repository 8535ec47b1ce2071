import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';

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
];

/**
 * User state (checklist runs, later tour progress): one SQLite file beside
 * the index generations, never inside one, so a re-index never touches it.
 * WAL lets the bot read while it writes; every change is committed before
 * the reply goes out, so a crash loses nothing a user was told was saved.
 */
export function openStateDb(file: string): Database.Database {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('busy_timeout = 5000');
  const version = db.pragma('user_version', { simple: true }) as number;
  db.transaction(() => {
    for (let v = version; v < MIGRATIONS.length; v++) db.exec(MIGRATIONS[v]!);
    db.pragma(`user_version = ${MIGRATIONS.length}`);
  })();
  return db;
}
