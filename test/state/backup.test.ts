import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { BACKUP_INTERVAL_MS, BACKUPS_KEPT, backupsDir, listBackups } from '../../src/state/backup.js';
import { openStateDb, openUserState, SCHEMA_VERSION } from '../../src/state/db.js';
import { cleanUp, notes, workDir } from './fixture.js';

afterEach(cleanUp);

function rowsOf(file: string): Record<string, number> {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    const rows = db.prepare('SELECT user_id, run FROM checklist_runs ORDER BY user_id').all() as { user_id: string; run: string }[];
    return Object.fromEntries(rows.map((r) => [r.user_id, (JSON.parse(r.run) as { n: number }).n]));
  } finally {
    db.close();
  }
}

describe('state backups', () => {
  it('are consistent copies: rows written before the backup are in it, later ones are not', async () => {
    const file = path.join(workDir('consistent'), 'state.db');
    const state = openUserState(file, { scheduleBackups: false });
    const docs = notes(state.db);
    docs.save('alice', { n: 1, text: '甲' });
    docs.save('bob', { n: 2, text: '乙' });
    const backup = await state.backup();
    docs.save('carol', { n: 3, text: '丙' });
    docs.save('alice', { n: 10, text: '甲改' });
    state.close();

    expect(path.dirname(backup!)).toBe(backupsDir(file));
    expect(path.basename(backup!)).toMatch(/^state-\d{4}-\d\d-\d\dT\d\d-\d\d-\d\d\.\d{3}Z\.db$/u);
    expect(rowsOf(backup!)).toEqual({ alice: 1, bob: 2 });
    expect(rowsOf(file)).toEqual({ alice: 10, bob: 2, carol: 3 });
    // A single self-contained file: no WAL to carry along when it is restored.
    const copy = new Database(backup!, { readonly: true });
    expect(copy.pragma('journal_mode', { simple: true })).toBe('delete');
    expect(copy.pragma('quick_check', { simple: true })).toBe('ok');
    copy.close();
    expect(fs.readdirSync(backupsDir(file))).toEqual([path.basename(backup!)]);
  });

  it(`rotation keeps the newest ${BACKUPS_KEPT} scheduled backups`, async () => {
    const file = path.join(workDir('rotate'), 'state.db');
    const state = openUserState(file, { scheduleBackups: false });
    const taken: string[] = [];
    for (let i = 0; i < BACKUPS_KEPT + 2; i++) {
      notes(state.db).save('alice', { n: i, text: '甲' });
      taken.push((await state.backup())!);
    }
    state.close();
    expect(new Set(taken).size).toBe(BACKUPS_KEPT + 2);
    const kept = listBackups(file);
    expect(kept.map((b) => b.file)).toEqual(taken.slice(-BACKUPS_KEPT).reverse());
    expect(fs.readdirSync(backupsDir(file))).toHaveLength(BACKUPS_KEPT);
    expect(rowsOf(kept[0]!.file)).toEqual({ alice: BACKUPS_KEPT + 1 });
  });

  it('takes one at start on the schedule, and none after close', async () => {
    expect(BACKUP_INTERVAL_MS).toBe(6 * 60 * 60 * 1000);
    const file = path.join(workDir('schedule'), 'state.db');
    const state = openUserState(file);
    await state.idle();
    expect(listBackups(file)).toHaveLength(1);
    state.close();
    expect(await state.backup()).toBeUndefined();
    expect(listBackups(file)).toHaveLength(1);
  });

  it('copies the file before a migration changes its schema, and rotation never deletes that copy', async () => {
    const file = path.join(workDir('migrate'), 'state.db');
    // A database as the first schema version left it, with a user's row.
    const old = new Database(file);
    old.exec(`CREATE TABLE checklist_runs (user_id TEXT PRIMARY KEY, run TEXT NOT NULL, updated_at TEXT NOT NULL)`);
    old.prepare('INSERT INTO checklist_runs VALUES (?, ?, ?)').run('alice', JSON.stringify({ n: 7, text: '甲' }), '2024-01-01');
    old.pragma('user_version = 1');
    old.close();

    const db = openStateDb(file);
    expect(db.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
    db.close();
    const [before] = listBackups(file);
    expect(before!.beforeVersion).toBe(SCHEMA_VERSION);
    expect(path.basename(before!.file)).toMatch(new RegExp(`\\.before-v${SCHEMA_VERSION}\\.db$`, 'u'));
    const copy = new Database(before!.file, { readonly: true });
    expect(copy.pragma('user_version', { simple: true })).toBe(1);
    copy.close();
    expect(rowsOf(before!.file)).toEqual({ alice: 7 });

    // Opening an up-to-date file migrates nothing and copies nothing.
    const state = openUserState(file, { scheduleBackups: false });
    for (let i = 0; i < BACKUPS_KEPT + 1; i++) await state.backup();
    state.close();
    const all = listBackups(file);
    expect(all.filter((b) => b.beforeVersion === undefined)).toHaveLength(BACKUPS_KEPT);
    expect(all.filter((b) => b.beforeVersion !== undefined).map((b) => b.file)).toEqual([before!.file]);
  });
});
