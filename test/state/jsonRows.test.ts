import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { JunhengError } from '../../src/errors.js';
import { openStateDb } from '../../src/state/db.js';
import { SAVE_DAMAGED, SAVE_FAILED, StateDbError } from '../../src/state/errors.js';
import { thrown } from '../helpers/thrown.js';
import { UserHistory } from '../../src/state/jsonRows.js';
import { cleanUp, fillPages, Note, notes, workDir } from './fixture.js';

afterEach(cleanUp);

/** A state file with many rows, closed cleanly (everything checkpointed into the main file). */
function filledState(): { file: string; root: number; pageSize: number } {
  const file = path.join(workDir('rows'), 'state.db');
  const db = openStateDb(file);
  fillPages(db);
  const { rootpage } = db.prepare("SELECT rootpage FROM sqlite_master WHERE name = 'checklist_runs'").get() as { rootpage: number };
  const pageSize = db.pragma('page_size', { simple: true }) as number;
  db.close();
  return { file, root: rootpage, pageSize };
}

describe('UserDocuments on a database damaged while running', () => {
  it('reads as absent, so questions keep working, and a save fails with a Chinese message', () => {
    const { file, root, pageSize } = filledState();
    // Open as the running bot has it, then the table's root page is overwritten underneath.
    const db = new Database(file);
    const docs = notes(db);
    const fd = fs.openSync(file, 'r+');
    fs.writeSync(fd, Buffer.alloc(pageSize, 0xff), 0, pageSize, (root - 1) * pageSize);
    fs.closeSync(fd);

    expect(docs.get('user-3')).toBeUndefined();
    const e = thrown(() => docs.save('user-3', { n: 1, text: '甲' }));
    expect(e).toBeInstanceOf(StateDbError);
    expect(e).toBeInstanceOf(JunhengError);
    expect((e as StateDbError).userMessage).toBe('保存进度时出错：用户数据文件损坏。请联系管理员；问题照常可以回答。');
    expect((e as StateDbError).userMessage).toBe(SAVE_DAMAGED);
    expect((e as StateDbError).damaged).toBe(true);
    expect((e as StateDbError).message).toMatch(/^state save failed: /u);
    expect(((e as StateDbError).cause as { code: string }).code).toMatch(/^SQLITE_CORRUPT/u);
    expect(thrown(() => docs.delete('user-3'))).toBeInstanceOf(StateDbError);
    db.close();
  });

  it('a write the disk refuses is a StateDbError too, not marked as damage', () => {
    const { file } = filledState();
    const db = new Database(file, { readonly: true });
    const docs = notes(db);
    expect(docs.get('user-3')?.n).toBe(3);
    const e = thrown(() => docs.save('user-3', { n: 1, text: '甲' })) as StateDbError;
    expect(e).toBeInstanceOf(StateDbError);
    expect(e.userMessage).toBe(SAVE_FAILED);
    expect(e.userMessage).toBe('保存进度时出错：用户数据文件暂时无法写入。请联系管理员；问题照常可以回答。');
    expect(e.damaged).toBe(false);
    db.close();
  });
});

describe('UserHistory', () => {
  it('files documents per user, newest first, and leaves out a row that no longer parses', () => {
    const db = openStateDb(path.join(workDir('history'), 'state.db'));
    const history = new UserHistory(db, 'checklist_reports', Note);
    const first = history.add('alice', { n: 1, text: '甲' });
    history.add('bob', { n: 9, text: '乙' });
    const second = history.add('alice', { n: 2, text: '甲' });
    db.prepare('INSERT INTO checklist_reports (user_id, run, finished_at) VALUES (?, ?, ?)').run('alice', '{"n":"not a number"}', new Date().toISOString());
    expect(history.list('alice').map((f) => f.value.n)).toEqual([2, 1]);
    expect(history.list('alice')[0]!.id).toBe(second);
    expect(history.get('alice', first)?.value).toEqual({ n: 1, text: '甲' });
    expect(history.get('bob', first)).toBeUndefined();
    expect(Number.isNaN(Date.parse(history.get('alice', first)!.at))).toBe(false);
    db.close();
  });

  it('files a document and the write beside it in one transaction: when one fails, neither is saved', () => {
    const db = openStateDb(path.join(workDir('history-tx'), 'state.db'));
    const history = new UserHistory(db, 'checklist_reports', Note);
    const docs = notes(db);
    const e = thrown(() =>
      history.add('alice', { n: 1, text: '甲' }, () => {
        docs.save('alice', { n: 1, text: '甲' });
        db.exec('INSERT INTO no_such_table VALUES (1)');
      }),
    );
    expect(e).toBeInstanceOf(StateDbError);
    expect(history.list('alice')).toEqual([]);
    expect(docs.get('alice')).toBeUndefined();
    history.add('alice', { n: 2, text: '甲' }, () => docs.save('alice', { n: 2, text: '甲' }));
    expect(history.list('alice').map((f) => f.value.n)).toEqual([2]);
    expect(docs.get('alice')?.n).toBe(2);
    db.close();
  });
});
