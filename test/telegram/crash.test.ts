import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { repoRoot, seedsDir, tempDir } from '../ingest/pipelineFixture.js';
import { BotApiServer, type SentMessage, type TestUser } from './botApiServer.js';
import { startBotProcess, type BotProcess } from './botProcess.js';
import { mulberry32 } from '../helpers/random.js';

/**
 * kill -9 of the real bot process (npm start's entry) while users are in the
 * middle of a checklist, and while it re-indexes an upload; then a restart.
 * Every figure a user sent must end up saved against its own question.
 */
const TOKEN = '6660001:CRASH-test-token-abcdefghij';
let cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanup.reverse()) await c().catch(() => undefined);
  cleanup = [];
});

const buttonsOf = (m: SentMessage) => (m.reply_markup?.inline_keyboard ?? []).flat();
const FIELDS = ['students', 'high_edu_teachers', 'backbone_teachers', 'pe_art_teachers', 'room_area', 'sport_area', 'equip_value', 'media_rooms'];
const figures = (k: number) => [1500 + k * 11, 80 + k, 18 + k, 15 + k, 9000 + k * 7, 15_000 + k * 9, 380 + k, 36 + k];
const typed = (k: number) => figures(k).map((v, i) => (i === 5 ? `${v}平方米` : i === 6 ? `${v}万元` : i === 7 ? `${v}间` : String(v)));

interface Setup { work: string; corpus: string; env: { CORPUS_DIR: string; INDEX_DIR: string; STATE_DB: string; ADMIN_USER_IDS: string; LOG_LEVEL: string }; server: BotApiServer }

async function setup(extraCorpus: (dir: string) => void = () => undefined): Promise<Setup> {
  const work = tempDir('crash');
  const corpus = path.join(work, 'corpus');
  fs.mkdirSync(corpus);
  fs.copyFileSync(path.join(repoRoot, 'corpus/国家督导评估标准整理稿.md'), path.join(corpus, '国家督导评估标准整理稿.md'));
  extraCorpus(corpus);
  const server = await BotApiServer.start({ token: TOKEN });
  const random = mulberry32(99);
  server.setLatency(() => Math.floor(random() * 300));
  cleanup.push(async () => {
    await server.stop();
    fs.rmSync(work, { recursive: true, force: true });
  });
  const env = { CORPUS_DIR: corpus, INDEX_DIR: path.join(work, 'index'), STATE_DB: path.join(work, 'data/state.db'), ADMIN_USER_IDS: '700', LOG_LEVEL: 'warn' };
  return { work, corpus, env, server };
}

function start(s: Setup): BotProcess {
  const bot = startBotProcess(s.server, s.env, s.work);
  cleanup.push(() => bot.stop());
  return bot;
}

async function intoChecklist(server: BotApiServer, u: TestUser): Promise<void> {
  const tap = async (label: string) => {
    const n = server.messagesTo(u.id).length;
    const msg = [...server.messagesTo(u.id)].reverse().find((m) => buttonsOf(m).some((b) => b.text === label))!;
    server.pressButton(u, msg, buttonsOf(msg).find((b) => b.text === label)!.callback_data as string);
    await server.waitForMessages(u.id, (ms) => ms.length > n, 30_000);
  };
  server.sendText(u, '/checklist');
  await server.waitForMessages(u.id, (ms) => ms.some((m) => buttonsOf(m).some((b) => b.text === '学校自查')), 30_000);
  await tap('学校自查');
  await tap('初中');
}

function savedRuns(stateDb: string, users: TestUser[]): ({ step: string; answers: Record<string, number | undefined> } | undefined)[] {
  const db = new Database(stateDb, { readonly: true, fileMustExist: true });
  try {
    return users.map((u) => {
      const row = db.prepare('SELECT run FROM checklist_runs WHERE user_id = ?').get(String(u.id)) as { run: string } | undefined;
      if (!row) return undefined;
      const run = JSON.parse(row.run) as { step: { kind: string }; answers: Record<string, { value?: number }> };
      return { step: run.step.kind, answers: Object.fromEntries(Object.entries(run.answers).map(([k, a]) => [k, a.value])) };
    });
  } finally {
    db.close();
  }
}

async function until(what: string, check: () => boolean, timeoutMs: number): Promise<void> {
  const t0 = Date.now();
  while (!check()) {
    if (Date.now() - t0 > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const expected = (k: number) => Object.fromEntries(FIELDS.map((f, i) => [f, figures(k)[i]]));

describe('kill -9 of the bot, then a restart', () => {
  it('loses no figure of users in the middle of a checklist burst, and applies none twice', async () => {
    const s = await setup();
    let bot = start(s);
    await bot.ready;
    const users: TestUser[] = Array.from({ length: 6 }, (_, k) => ({ id: 71_000 + k, first_name: `用户${k}` }));
    await Promise.all(users.map((u) => intoChecklist(s.server, u)));
    const before = users.map((u) => s.server.messagesTo(u.id).length);
    for (const [k, u] of users.entries()) for (const t of typed(k)) s.server.sendText(u, t);
    // Kill while the burst is half answered.
    const answered = () => users.reduce((n, u, k) => n + s.server.messagesTo(u.id).length - before[k]!, 0);
    await until('half of the burst answered', () => answered() >= 20, 60_000);
    await bot.kill9();
    const atKill = answered();
    expect(atKill).toBeLessThan(users.length * 8 * 2);

    bot = start(s);
    await bot.ready;
    await until('every run finished', () => savedRuns(s.env.STATE_DB, users).every((r) => r?.step === 'done'), 90_000);
    const runs = savedRuns(s.env.STATE_DB, users);
    for (const [k] of users.entries()) expect(runs[k]!.answers).toEqual(expected(k));
  });

  it('loses no figure when killed while re-indexing an upload, and the new document answers after the restart', async () => {
    // A big enough corpus that the re-index takes a while.
    const s = await setup((dir) => {
      for (const f of fs.readdirSync(seedsDir)) fs.copyFileSync(path.join(seedsDir, f), path.join(dir, f));
    });
    let bot = start(s);
    await bot.ready;
    const admin = { id: 700, first_name: '管理员' };
    const user = { id: 72_000, first_name: '教务处' };
    await intoChecklist(s.server, user);
    const bigText = Array.from({ length: 40_000 }, (_, i) => `第${i + 1}条 各地要加强校园绿化和校舍维护，每年检查不少于${(i % 3) + 1}次。`).join('\n');
    fs.writeFileSync(path.join(s.corpus, '汇编.txt'), bigText);
    s.server.sendDocument(admin, '课后服务细则.md', Buffer.from('# 青禾县课后服务细则\n\n## 一、时间\n\n青禾县课后服务每天结束时间不早于17:30。\n', 'utf8'));
    const indexDir = s.env.INDEX_DIR;
    await until('the re-index to start', () => fs.existsSync(path.join(indexDir, 'ingest.lock')), 30_000);
    for (const t of typed(0).slice(0, 4)) s.server.sendText(user, t);
    await new Promise((r) => setTimeout(r, 300));
    await bot.kill9();

    bot = start(s);
    await bot.ready;
    for (const t of typed(0).slice(4)) s.server.sendText(user, t);
    await until('the run finished', () => savedRuns(s.env.STATE_DB, [user])[0]?.step === 'done', 90_000);
    expect(savedRuns(s.env.STATE_DB, [user])[0]!.answers).toEqual(expected(0));
    // The last figure was sent after the restart: its replies end with the report.
    await s.server.waitForMessages(user.id, (ms) => ms.some((m) => m.text.includes('【自查报告】')), 30_000);
    // The admin was told "完成后会通知您": the restart keeps that promise, and only then is the upload searchable.
    const told = await s.server.waitForMessages(admin.id, (ms) => ms.some((m) => m.text.startsWith('索引完成')), 120_000);
    expect(told.find((m) => m.text.startsWith('索引完成'))!.text).toMatch(/新收录 [1-9]\d* 个文件/);
    const n = s.server.messagesTo(user.id).length;
    s.server.sendText(user, '青禾县课后服务每天结束时间不早于几点？');
    const [answer] = (await s.server.waitForMessages(user.id, (ms) => ms.length > n, 30_000)).slice(n);
    expect(answer!.text).toContain('17:30');
  }, 240_000);
});
