import fs from 'node:fs';
import path from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, type App } from '../../src/chat/app.js';
import type { Reply } from '../../src/chat/types.js';
import { CL } from '../../src/checklist/dialogue.js';
import { loadConfig } from '../../src/config.js';
import { runIngest } from '../../src/ingest/pipeline.js';
import { LocalHashEmbeddings } from '../../src/index/embedder.js';
import { createLogger } from '../../src/logger.js';
import { openUserState, stateNoticeText } from '../../src/state/db.js';
import { corpusOfSeeds, repoRoot, SEEDS } from '../ingest/pipelineFixture.js';
import { cleanUp, workDir, writeGarbage } from './fixture.js';

const embedder = new LocalHashEmbeddings();
const corpus = corpusOfSeeds(SEEDS.slice(0, 4));
const indexDir = path.join(workDir('app-index'), 'index');
const QUESTION = '调研报告里初中的师生比是多少？';

beforeAll(async () => {
  await runIngest({ dirs: [corpus], indexDir, embedder, maxFileBytes: 1e8 });
});
afterAll(() => {
  cleanUp();
  fs.rmSync(corpus, { recursive: true, force: true });
});

function configIn(cwd: string, env: Record<string, string> = {}) {
  return loadConfig({ INDEX_DIR: indexDir, CHECKLIST_DIR: path.join(repoRoot, 'corpus/checklists'), ...env }, cwd);
}

/** The technical log as parsed pino lines. */
function capturedLog() {
  const lines: { level: number; msg: string }[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _e, done) {
      for (const l of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(l) as { level: number; msg: string });
      done();
    },
  });
  return { log: createLogger('debug', [], sink), lines };
}

const say = (app: App, user: string, text: string) => app.engine.handle(user, { kind: 'text', text });
const press = (app: App, user: string, action: string) => app.engine.handle(user, { kind: 'action', action });
const all = (r: Reply[]) => r.map((x) => x.text).join('\n');

/** alice starts the school self-check and stands at its first question. */
async function startChecklist(app: App): Promise<void> {
  await say(app, 'alice', '/checklist');
  await press(app, 'alice', CL.school);
  await press(app, 'alice', CL.stage('primary'));
  expect(all(await say(app, 'alice', '/report'))).toMatch(/自查还没完成/u);
}

function expectCitedAnswer(replies: Reply[]): void {
  const text = all(replies);
  expect(text).toMatch(/根据文件原文：\n“[^”]*1:11\.58[^”]*”\[1\]/u);
  expect(text).toMatch(/出处：\n\[1\] 《.+》/u);
}

describe('createApp over a damaged user-state file', () => {
  it('restores the newest backup, tells why, and still answers questions with citations', async () => {
    const config = configIn(workDir('app-restored'));
    const first = createApp(config, embedder);
    expect(first.stateNotice).toBeUndefined();
    await startChecklist(first);
    first.close();
    const backup = openUserState(config.stateDb, { scheduleBackups: false });
    await backup.backup();
    backup.close();
    writeGarbage(config.stateDb);

    const { log, lines } = capturedLog();
    const app = createApp(config, embedder, log);
    try {
      expect(app.stateNotice?.kind).toBe('restored');
      expect(stateNoticeText(app.stateNotice!)).toMatch(/^用户数据文件损坏，已恢复到 \d{4}-\d\d-\d\d \d\d:\d\d 的备份；之后的自查进度可能需要重新填写。$/u);
      const answer = await say(app, 'bob', QUESTION);
      expectCitedAnswer(answer);
      // A question is not about progress: no notice there.
      expect(all(answer)).not.toContain('用户数据文件损坏');
      // alice's progress came back with the backup, and she hears once what happened.
      const report = await say(app, 'alice', '/report');
      expect(report[0]!.text).toBe(stateNoticeText(app.stateNotice!));
      expect(all(report)).toMatch(/自查还没完成/u);
      expect(all(await say(app, 'alice', '/report'))).not.toContain('用户数据文件损坏');
      expect(lines).toContainEqual(expect.objectContaining({ level: 40, msg: 'state database was damaged; restored the newest good backup' }));
    } finally {
      app.close();
    }
  });

  it('with garbage and no backup: a fresh database, and questions are answered', async () => {
    const config = configIn(workDir('app-fresh'));
    fs.mkdirSync(path.dirname(config.stateDb), { recursive: true });
    writeGarbage(config.stateDb);
    const app = createApp(config, embedder);
    try {
      expect(app.stateNotice?.kind).toBe('fresh');
      expectCitedAnswer(await say(app, 'bob', QUESTION));
      await startChecklist(app);
    } finally {
      app.close();
    }
  });

  it('when not even a fresh file can be made, it starts anyway: questions answered, the checklist kept in memory', async () => {
    const cwd = workDir('app-memory');
    fs.writeFileSync(path.join(cwd, 'data'), 'a file where the folder should be');
    const config = configIn(cwd);
    const app = createApp(config, embedder);
    try {
      expect(app.stateNotice?.kind).toBe('memory');
      expect(stateNoticeText(app.stateNotice!)).toContain('问题照常可以回答');
      expectCitedAnswer(await say(app, 'bob', QUESTION));
      await startChecklist(app);
    } finally {
      app.close();
    }
  });
});

describe('createApp and the old index/state.db', () => {
  it('moves it to data/state.db on the first start with the default STATE_DB, progress intact', async () => {
    const cwd = workDir('app-legacy');
    // As an old .env had it: state inside the index folder (logged as a risk).
    const old = configIn(cwd, { STATE_DB: path.join(indexDir, 'state.db') });
    const { log, lines } = capturedLog();
    const before = createApp(old, embedder, log);
    await startChecklist(before);
    before.close();
    expect(lines).toContainEqual(expect.objectContaining({ level: 40, msg: 'STATE_DB is inside INDEX_DIR: deleting the index would delete user state' }));

    const config = configIn(cwd);
    expect(config.stateDb).toBe(path.join(cwd, 'data', 'state.db'));
    const moved = capturedLog();
    const app = createApp(config, embedder, moved.log);
    try {
      expect(app.stateNotice).toBeUndefined();
      expect(fs.existsSync(path.join(indexDir, 'state.db'))).toBe(false);
      expect(fs.existsSync(config.stateDb)).toBe(true);
      expect(all(await say(app, 'alice', '/report'))).toMatch(/自查还没完成/u);
      expect(moved.lines).toContainEqual(expect.objectContaining({ level: 30, msg: 'moved user state out of the index folder' }));
      expect(moved.lines.some((l) => l.msg.startsWith('STATE_DB is inside INDEX_DIR'))).toBe(false);
    } finally {
      app.close();
    }
  });
});
