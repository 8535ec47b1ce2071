import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { ChecklistRunStore, newRun, type ChecklistRun } from '../../src/checklist/run.js';
import { loadConfig } from '../../src/config.js';
import { listBackups } from '../../src/state/backup.js';
import { localTime, openStateDb, openUserState, stateNoticeText, type StateLog } from '../../src/state/db.js';
import { cleanUp, fillPages, notes, workDir, writeGarbage } from './fixture.js';

afterEach(cleanUp);

/** Records what the opener logs, by level. */
function recordingLog(): StateLog & { lines: { level: string; obj: object; msg: string }[] } {
  const lines: { level: string; obj: object; msg: string }[] = [];
  return {
    lines,
    info: (obj, msg) => lines.push({ level: 'info', obj, msg }),
    warn: (obj, msg) => lines.push({ level: 'warn', obj, msg }),
    error: (obj, msg) => lines.push({ level: 'error', obj, msg }),
  };
}

/** A state file with alice=1 and bob=2 backed up, then alice=3 and carol written after the backup. */
async function stateWithBackup(dir: string): Promise<{ file: string; backup: string }> {
  const file = path.join(dir, 'data', 'state.db');
  const state = openUserState(file, { scheduleBackups: false });
  const docs = notes(state.db);
  docs.save('alice', { n: 1, text: '甲' });
  docs.save('bob', { n: 2, text: '乙' });
  const backup = (await state.backup())!;
  docs.save('alice', { n: 3, text: '甲' });
  docs.save('carol', { n: 4, text: '丙' });
  state.close();
  return { file, backup };
}

describe('where user state lives', () => {
  it('defaults to data/state.db beside the working directory, outside the index', () => {
    const c = loadConfig({}, '/srv/junheng');
    expect(c.stateDb).toBe('/srv/junheng/data/state.db');
    expect(path.relative(c.indexDir, c.stateDb).startsWith('..')).toBe(true);
    expect(c.legacyStateDb).toBe('/srv/junheng/index/state.db');
    // Only the default path inherits the old default's file; an explicit other path does not.
    expect(loadConfig({ STATE_DB: 'data/state.db' }, '/srv/junheng').legacyStateDb).toBe('/srv/junheng/index/state.db');
    expect(loadConfig({ STATE_DB: '/var/lib/junheng.db' }, '/srv/junheng').legacyStateDb).toBeUndefined();
  });

  it('survives deleting the index folder', () => {
    const cwd = workDir('delete-index');
    const config = loadConfig({}, cwd);
    fs.mkdirSync(path.join(config.indexDir, 'generations'), { recursive: true });
    const state = openUserState(config.stateDb, { legacyFile: config.legacyStateDb, scheduleBackups: false });
    notes(state.db).save('alice', { n: 5, text: '甲' });
    state.close();

    fs.rmSync(config.indexDir, { recursive: true });
    const again = openUserState(config.stateDb, { legacyFile: config.legacyStateDb, scheduleBackups: false });
    expect(again.recovered).toBeUndefined();
    expect(notes(again.db).get('alice')).toEqual({ n: 5, text: '甲' });
    again.close();
  });

  it('moves an old index/state.db to data/state.db once, with rows still only in its WAL', () => {
    const cwd = workDir('legacy');
    const config = loadConfig({}, cwd);
    const legacy = config.legacyStateDb!;
    // The files as a crash leaves them: committed rows in the WAL, not yet in the main file.
    const live = openStateDb(path.join(cwd, 'live.db'));
    live.pragma('wal_autocheckpoint = 0');
    notes(live).save('alice', { n: 1, text: '甲' });
    notes(live).save('bob', { n: 2, text: '乙' });
    fs.mkdirSync(path.dirname(legacy), { recursive: true });
    for (const s of ['', '-wal']) fs.copyFileSync(path.join(cwd, `live.db${s}`), legacy + s);
    live.close();
    expect(fs.statSync(`${legacy}-wal`).size).toBeGreaterThan(0);

    const log = recordingLog();
    const state = openUserState(config.stateDb, { legacyFile: legacy, log, scheduleBackups: false });
    expect(state.movedFrom).toBe(legacy);
    expect(state.file).toBe(config.stateDb);
    expect(notes(state.db).get('alice')).toEqual({ n: 1, text: '甲' });
    expect(notes(state.db).get('bob')).toEqual({ n: 2, text: '乙' });
    state.close();
    for (const s of ['', '-wal', '-shm']) expect(fs.existsSync(legacy + s)).toBe(false);
    expect(log.lines).toContainEqual({ level: 'info', obj: { from: legacy, to: config.stateDb }, msg: 'moved user state out of the index folder' });

    // Once: a later index/state.db (say, from an old backup copied back) is left alone.
    fs.copyFileSync(config.stateDb, legacy);
    const later = openUserState(config.stateDb, { legacyFile: legacy, scheduleBackups: false });
    expect(later.movedFrom).toBeUndefined();
    later.close();
    expect(fs.existsSync(legacy)).toBe(true);
  });
});

describe('a damaged state database', () => {
  it('overwritten with garbage: moved aside, the newest backup restored with its rows, users told so', async () => {
    const dir = workDir('garbage');
    const { file, backup } = await stateWithBackup(dir);
    const garbage = writeGarbage(file);
    const log = recordingLog();

    const state = openUserState(file, { log, scheduleBackups: false });
    const r = state.recovered!;
    expect(r.kind).toBe('restored');
    expect(r.restoredFrom).toBe(backup);
    expect(r.cause).toMatch(/not an SQLite database file/u);
    expect(path.basename(r.damagedFile!)).toMatch(/^state\.db\.damaged-\d{4}-\d\d-\d\dT\d\d-\d\d-\d\d\.\d{3}Z$/u);
    expect(fs.readFileSync(r.damagedFile!)).toEqual(garbage);
    // The rows of the backup, not those written after it.
    const docs = notes(state.db);
    expect(docs.get('alice')).toEqual({ n: 1, text: '甲' });
    expect(docs.get('bob')).toEqual({ n: 2, text: '乙' });
    expect(docs.get('carol')).toBeUndefined();
    // And the restored database takes new progress.
    docs.save('carol', { n: 9, text: '丙' });
    expect(docs.get('carol')).toEqual({ n: 9, text: '丙' });
    state.close();

    const takenAt = listBackups(file).find((b) => b.file === backup)!.takenAt;
    expect(r.backupTakenAt).toEqual(takenAt);
    expect(stateNoticeText(r)).toBe(`用户数据文件损坏，已恢复到 ${localTime(takenAt)} 的备份；之后的自查进度可能需要重新填写。`);
    expect(localTime(takenAt)).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d$/u);
    expect(log.lines.filter((l) => l.level === 'warn').map((l) => l.msg)).toEqual(['state database was damaged; restored the newest good backup']);
    // The backup itself is untouched and still there.
    expect(fs.existsSync(backup)).toBe(true);
  });

  it('truncated: detected and restored from the backup', async () => {
    const dir = workDir('truncated');
    const file = path.join(dir, 'state.db');
    const state = openUserState(file, { scheduleBackups: false });
    fillPages(state.db);
    await state.backup();
    state.close();
    fs.truncateSync(file, Math.floor(fs.statSync(file).size / 2));

    const again = openUserState(file, { scheduleBackups: false });
    expect(again.recovered?.kind).toBe('restored');
    expect(again.recovered!.cause).toMatch(/SQLITE_CORRUPT|quick_check/u);
    expect(notes(again.db).get('user-59')?.n).toBe(59);
    again.close();
  });

  it('skips a damaged newest backup and restores the newest good one', async () => {
    const dir = workDir('bad-backup');
    const { file, backup } = await stateWithBackup(dir);
    const state = openUserState(file, { scheduleBackups: false });
    const newer = (await state.backup())!;
    state.close();
    writeGarbage(newer);
    writeGarbage(file);

    const again = openUserState(file, { scheduleBackups: false });
    expect(again.recovered?.restoredFrom).toBe(backup);
    expect(notes(again.db).get('alice')?.n).toBe(1);
    again.close();
  });

  it('with no backup: a fresh empty database, and users are told progress is lost', () => {
    const dir = workDir('no-backup');
    const file = path.join(dir, 'state.db');
    const first = openUserState(file, { scheduleBackups: false });
    notes(first.db).save('alice', { n: 1, text: '甲' });
    first.close();
    writeGarbage(file);

    const state = openUserState(file, { scheduleBackups: false });
    expect(state.recovered).toMatchObject({ kind: 'fresh' });
    expect(state.recovered!.restoredFrom).toBeUndefined();
    expect(fs.existsSync(state.recovered!.damagedFile!)).toBe(true);
    expect(notes(state.db).get('alice')).toBeUndefined();
    notes(state.db).save('bob', { n: 2, text: '乙' });
    expect(notes(state.db).get('bob')?.n).toBe(2);
    state.close();
    expect(stateNoticeText(state.recovered!)).toBe('用户数据文件损坏，已重新建立，之前的自查进度无法恢复。');
  });

  it('moves its -wal and -shm aside with it', () => {
    const dir = workDir('side-files');
    const file = path.join(dir, 'state.db');
    writeGarbage(file);
    fs.writeFileSync(`${file}-wal`, 'stale wal');
    fs.writeFileSync(`${file}-shm`, 'stale shm');
    const state = openUserState(file, { scheduleBackups: false });
    const damaged = state.recovered!.damagedFile!;
    expect(fs.readFileSync(`${damaged}-wal`, 'utf8')).toBe('stale wal');
    expect(fs.readFileSync(`${damaged}-shm`, 'utf8')).toBe('stale shm');
    expect(state.db.pragma('quick_check', { simple: true })).toBe('ok');
    state.close();
  });

  it('that cannot even be created keeps state in memory for the run instead of throwing', async () => {
    const dir = workDir('unwritable');
    fs.writeFileSync(path.join(dir, 'data'), 'a file where the folder should be');
    const file = path.join(dir, 'data', 'state.db');
    const log = recordingLog();

    const state = openUserState(file, { log });
    expect(state.recovered).toMatchObject({ kind: 'memory' });
    expect(state.recovered!.damagedFile).toBeUndefined();
    expect(state.file).toBeUndefined();
    // The checklist still works within this run.
    notes(state.db).save('alice', { n: 1, text: '甲' });
    expect(notes(state.db).get('alice')?.n).toBe(1);
    expect(await state.backup()).toBeUndefined();
    state.close();
    expect(stateNoticeText(state.recovered!)).toBe('用户数据文件无法打开，本次运行中的自查进度不会保存。请联系管理员；问题照常可以回答。');
    expect(log.lines.map((l) => l.level)).toEqual(['error']);
  });

  it('truncated to nothing: not taken for a new database, the backup is restored', async () => {
    const dir = workDir('empty');
    const { file } = await stateWithBackup(dir);
    fs.truncateSync(file, 0);
    const state = openUserState(file, { scheduleBackups: false });
    expect(state.recovered?.kind).toBe('restored');
    expect(notes(state.db).get('bob')?.n).toBe(2);
    state.close();
  });

  it('that fails quick_check without a read error is treated as damaged', async () => {
    const dir = workDir('quick-check');
    const { file } = await stateWithBackup(dir);
    // Damage an index page only: the table reads fine, quick_check does not.
    const db = new Database(file);
    db.exec('CREATE INDEX by_time ON checklist_runs(updated_at)');
    const { rootpage } = db.prepare("SELECT rootpage FROM sqlite_master WHERE name = 'by_time'").get() as { rootpage: number };
    const pageSize = db.pragma('page_size', { simple: true }) as number;
    db.close();
    const fd = fs.openSync(file, 'r+');
    fs.writeSync(fd, Buffer.alloc(pageSize, 0x41), 0, pageSize, (rootpage - 1) * pageSize);
    fs.closeSync(fd);

    const state = openUserState(file, { scheduleBackups: false });
    expect(state.recovered?.kind).toBe('restored');
    expect(state.recovered!.cause).toMatch(/quick_check is not ok/u);
    state.close();
  });
});

describe('finished reports in the state database', () => {
  it('files the runs finished before reports were kept as the first reports, and nothing else', () => {
    const file = path.join(workDir('reports-migration'), 'state.db');
    // A database at schema version 3 (runs, tours, inbox), before finished reports had a table of their own.
    const old = new Database(file);
    old.exec(`CREATE TABLE checklist_runs (user_id TEXT PRIMARY KEY, run TEXT NOT NULL, updated_at TEXT NOT NULL)`);
    old.exec(`CREATE TABLE tour_runs (user_id TEXT PRIMARY KEY, run TEXT NOT NULL, updated_at TEXT NOT NULL)`);
    old.exec(`CREATE TABLE update_inbox (update_id INTEGER PRIMARY KEY, user_id TEXT NOT NULL, payload TEXT NOT NULL, status TEXT NOT NULL, attempts INTEGER NOT NULL DEFAULT 0, received_at TEXT NOT NULL)`);
    const done: ChecklistRun = { ...newRun(), mode: 'school', checklistId: 'youzhi-2017-resource', stage: 'primary', step: { kind: 'done' }, answers: { students: { status: 'value', value: 600 } }, history: [0] };
    const put = old.prepare('INSERT INTO checklist_runs VALUES (?, ?, ?)');
    put.run('alice', JSON.stringify(done), '2024-05-01T08:00:00.000Z');
    put.run('bob', JSON.stringify({ ...done, step: { kind: 'question', index: 1 } }), '2024-05-01T08:00:00.000Z');
    // A county table assessed: done, but no figures to rebuild a report from.
    put.run('carol', JSON.stringify({ ...done, mode: 'county', answers: {} }), '2024-05-01T08:00:00.000Z');
    put.run('dave', 'not json at all', '2024-05-01T08:00:00.000Z');
    old.pragma('user_version = 3');
    old.close();

    const db = openStateDb(file);
    const runs = new ChecklistRunStore(db);
    const [alice, ...more] = runs.reports('alice');
    expect(more).toEqual([]);
    expect(alice!.value).toEqual(done);
    expect(alice!.at).toBe('2024-05-01T08:00:00.000Z');
    for (const user of ['bob', 'carol', 'dave']) expect(runs.reports(user)).toEqual([]);
    // The run itself is still where it was.
    expect(runs.get('alice')).toEqual(done);
    db.close();
  });
});
