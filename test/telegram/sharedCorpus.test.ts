import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, type App } from '../../src/chat/app.js';
import { loadConfig, type Config } from '../../src/config.js';
import { runIngest } from '../../src/ingest/pipeline.js';
import { LocalHashEmbeddings } from '../../src/index/embedder.js';
import { openPostgresState } from '../../src/state/open.js';
import { startTelegram, type RunningBot } from '../../src/telegram/start.js';
import { capturedLog } from '../support/capturedLog.js';
import { endPool, freshDatabase, type TestDatabase } from '../support/postgres.js';
import { repoRoot, standardsCorpus, tempDir } from '../ingest/pipelineFixture.js';
import { BotApiServer, type SentMessage } from './botApiServer.js';
import { startBotProcess } from './botProcess.js';
import { SYNC_STATE_FILE } from '../../src/state/pg/corpus.js';

/**
 * Two instances of the bot in this process on one PostgreSQL, each with its
 * own corpus folder and index: an admin upload to the instance that polls
 * Telegram (A) is stored in the database, and the standby (B) writes it into
 * its own folder, re-indexes, and answers from it; /sources on B says it is
 * catching up until then.
 */
const TOKEN = '5550001:SHARED-corpus-token-abcdefgh';
const ADMIN = { id: 1001, first_name: '管理员' };

interface Running {
  app: App;
  bot: RunningBot;
  config: Config;
  dirs: string[];
}

let db: TestDatabase;
let server: BotApiServer;
const instances: Running[] = [];
const embedder = new LocalHashEmbeddings();

async function startInstance(name: string): Promise<Running> {
  const work = tempDir(`shared-${name}`);
  const corpus = standardsCorpus();
  const config = loadConfig(
    {
      CORPUS_DIR: corpus,
      CHECKLIST_DIR: path.join(repoRoot, 'corpus/checklists'),
      INDEX_DIR: path.join(work, 'index'),
      TELEGRAM_BOT_TOKEN: TOKEN,
      TELEGRAM_API_ROOT: server.apiRoot,
      ADMIN_USER_IDS: String(ADMIN.id),
      DATABASE_URL: db.url,
    },
    work,
  );
  await runIngest({ dirs: [config.corpusDir], indexDir: config.indexDir, embedder, maxFileBytes: config.maxFileBytes });
  const { log } = capturedLog();
  const app = createApp(config, embedder, log, await openPostgresState(config.database!, log));
  const bot = await startTelegram(config, app, embedder, log);
  return { app, bot, config, dirs: [work, corpus] };
}

beforeAll(async () => {
  db = await freshDatabase();
  server = await BotApiServer.start({ token: TOKEN });
  // One after the other: A takes the polling role, B stands by (it gets no Telegram updates).
  instances.push(await startInstance('a'));
  instances.push(await startInstance('b'));
}, 120_000);

afterAll(async () => {
  for (const i of instances) {
    await i.bot.stop();
    await i.app.close();
    for (const d of i.dirs) fs.rmSync(d, { recursive: true, force: true });
  }
  await server?.stop();
  await db?.drop();
});

const texts = (ms: SentMessage[]) => ms.map((m) => m.text).join('\n');
const sources = async (i: Running) => (await i.app.engine.handle('9009', { kind: 'text', text: '/sources' }))[0]!.text;

async function waitFor(what: string, ok: () => Promise<boolean>, ms = 60_000): Promise<void> {
  const until = Date.now() + ms;
  while (!(await ok())) {
    if (Date.now() > until) throw new Error(`timed out waiting for: ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('an upload on one instance reaches the other', () => {
  it('is stored in PostgreSQL, written into B\'s folder and index, and B\'s /sources says it is catching up until then', async () => {
    const [a, b] = instances as [Running, Running];
    const name = '青禾县课后服务实施细则.md';
    const doc = '# 青禾县课后服务实施细则\n\n## 一、服务时间\n\n青禾县各义务教育学校课后服务每天不少于2小时，结束时间原则上不早于当地正常下班时间。\n';
    expect(await sources(b)).not.toContain('正在同步');

    server.sendDocument(ADMIN, name, Buffer.from(doc, 'utf8'));
    const seen: string[] = [];
    await waitFor('B says it is catching up', async () => {
      const text = await sources(b);
      seen.push(text);
      return text.startsWith('资料库有更新，本机正在同步');
    });
    expect(seen.at(-1)).not.toContain(name);
    await waitFor('B lists the new document', async () => (await sources(b)).includes(name));
    const caughtUp = await sources(b);
    expect(caughtUp).not.toContain('正在同步');
    expect(caughtUp).toMatch(/^已收录 2 个文件/u);
    expect(fs.readFileSync(path.join(b.config.corpusDir, name), 'utf8')).toBe(doc);
    const [answer] = await b.app.engine.handle('9009', { kind: 'text', text: '青禾县课后服务每天不少于多长时间？' });
    expect(answer!.text).toContain('不少于2小时');

    // A indexed its own upload at once, as without a database, and told the admin.
    const adminMsgs = await server.waitForMessages(ADMIN.id, (ms) => ms.some((m) => m.text.startsWith('索引完成')), 60_000);
    expect(texts(adminMsgs)).toContain(`已收到《${name}》`);
    expect(texts(adminMsgs)).not.toContain('共享资料库');
    expect(fs.readFileSync(path.join(a.config.corpusDir, name), 'utf8')).toBe(doc);

    const pool = new pg.Pool({ connectionString: db.url, max: 1 });
    try {
      const { rows } = await pool.query<{ name: string; uploaded_by: string; bytes: Buffer }>('SELECT name, uploaded_by, bytes FROM corpus_documents');
      expect(rows.map((r) => [r.name, r.uploaded_by, r.bytes.toString('utf8')])).toEqual([[name, String(ADMIN.id), doc]]);
    } finally {
      await endPool(pool);
    }
  });

  it('a new instance (npm start) with an empty corpus folder builds its first index from the shared documents', async () => {
    const work = tempDir('shared-c');
    const corpus = path.join(work, 'corpus');
    fs.mkdirSync(corpus);
    // Polling mode: A polls, so this one stands by and is started once it says so.
    const c = startBotProcess(server, { CORPUS_DIR: corpus, INDEX_DIR: path.join(work, 'index'), STATE_DB: path.join(work, 'state.db'), DATABASE_URL: db.url, LOG_LEVEL: 'warn' }, work);
    try {
      await waitFor('the new instance starts', async () => c.output().includes('Telegram 机器人已启动') || c.child.exitCode !== null);
      const out = c.output();
      expect(out).toContain('已从共享资料库取得 1 个文件（第 1 版）');
      expect(out).toMatch(/索引完成：新收录 1 个文件/u);
      expect(fs.readFileSync(path.join(corpus, '青禾县课后服务实施细则.md'), 'utf8')).toContain('不少于2小时');
      // Recorded as indexed by the start's own index, so its follower owes no second re-index of the same files.
      expect(JSON.parse(fs.readFileSync(path.join(corpus, SYNC_STATE_FILE), 'utf8'))).toEqual({ localVersion: 1, indexedVersion: 1 });
    } finally {
      await c.stop();
      fs.rmSync(work, { recursive: true, force: true });
    }
  });
});
