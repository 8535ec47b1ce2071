import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { BotApiServer, type SentMessage, type TestUser } from '../test/telegram/botApiServer.js';
import { startBotProcess } from '../test/telegram/botProcess.js';
import { buildSyntheticCorpus } from './synthetic.js';
import { mulberry32 } from '../test/helpers/random.js';

/**
 * Load step: the real bot (`npm start`'s entry, its own process) against the
 * loopback Bot API server answering every call after 0–300 ms. At once:
 * USERS staff each go through a whole school checklist, one flooder sends
 * 1,000 messages, and an admin's upload starts a re-index of a corpus grown by
 * 60 MB of text. Reported: lost and misplaced answers (must be 0), the other
 * users' reply times (all, and while the re-index runs), peak RSS of the bot.
 */
const root = path.resolve(import.meta.dirname, '..');
const shared = path.resolve(root, '../shared');
const USERS = Number(process.env.BENCH_LOAD_USERS ?? 20);
const FLOOD = 1_000;
const BIG_MB = Number(process.env.BENCH_LOAD_MB ?? 60);
const TOKEN = '5550001:BENCH-load-token-abcdefghijk';
const ADMIN: TestUser = { id: 900, first_name: '管理员' };
const FLOODER: TestUser = { id: 901, first_name: '刷屏' };

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'junheng-load-bench-'));
const corpus = path.join(work, 'corpus');

function figures(k: number): Record<string, number> {
  return {
    students: 1600 + k * 7, high_edu_teachers: 90 + k, backbone_teachers: 20 + (k % 9), pe_art_teachers: 16 + (k % 5),
    room_area: 10_000 + k * 13, sport_area: 16_000 + k * 17, equip_value: 400 + k, media_rooms: 40 + (k % 7),
  };
}
const TYPED = (f: Record<string, number>) => [
  String(f.students), String(f.high_edu_teachers), String(f.backbone_teachers), String(f.pe_art_teachers),
  String(f.room_area), `${f.sport_area}平方米`, `${f.equip_value}万元`, `${f.media_rooms}间`,
];

/** Peak resident memory of a process and its children (VmHWM; children sampled while alive). */
class PeakRss {
  peakMB = 0;
  private timer: NodeJS.Timeout;
  constructor(private readonly pid: number) {
    this.timer = setInterval(() => this.sample(), 200);
  }
  private sample(): void {
    let total = 0;
    for (const pid of [this.pid, ...descendants(this.pid)]) {
      const m = /VmHWM:\s+(\d+) kB/u.exec(safeRead(`/proc/${pid}/status`));
      if (m) total += Number(m[1]) / 1024;
    }
    this.peakMB = Math.max(this.peakMB, total);
  }
  stop(): void {
    this.sample();
    clearInterval(this.timer);
  }
}
function safeRead(file: string): string {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}
function descendants(pid: number): number[] {
  const kids = safeRead(`/proc/${pid}/task/${pid}/children`).trim().split(/\s+/u).filter(Boolean).map(Number);
  return kids.flatMap((k) => [k, ...descendants(k)]);
}

const p95 = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.floor(s.length * 0.95))]! : NaN;
};
const buttonsOf = (m: SentMessage) => (m.reply_markup?.inline_keyboard ?? []).flat();

async function main(): Promise<void> {
  fs.mkdirSync(corpus, { recursive: true });
  fs.copyFileSync(path.join(root, 'corpus/国家督导评估标准整理稿.md'), path.join(corpus, '国家督导评估标准整理稿.md'));
  for (const f of fs.readdirSync(path.join(shared, 'seeds'))) fs.copyFileSync(path.join(shared, 'seeds', f), path.join(corpus, f));

  const server = await BotApiServer.start({ token: TOKEN });
  const random = mulberry32(4242);
  server.setLatency(() => Math.floor(random() * 300));
  const bot = startBotProcess(server, {
    CORPUS_DIR: corpus, INDEX_DIR: path.join(work, 'index'), STATE_DB: path.join(work, 'data/state.db'),
    ADMIN_USER_IDS: String(ADMIN.id), LOG_LEVEL: 'warn',
  }, work);
  const rss = new PeakRss(bot.child.pid!);
  try {
    await bot.ready;

    // The admin's re-index: 60 MB of new material (files of ~256 KB, each within the per-file
    // caps, so all of it is read, split and embedded) lands in the corpus; an upload starts the run.
    buildSyntheticCorpus(path.join(shared, 'seeds'), path.join(corpus, '汇编'), BIG_MB * 1024 * 1024);
    const started = Date.now();
    let reindexDoneAt = 0;
    server.sendDocument(ADMIN, '补充说明.md', Buffer.from('# 补充说明\n\n## 一、课后服务\n\n课后服务每天不少于2小时。\n', 'utf8'));
    const reindexDone = server.waitForMessages(ADMIN.id, (ms) => ms.some((m) => /索引完成|没有成功/u.test(m.text)), 900_000)
      .then(() => (reindexDoneAt = Date.now()));

    for (let i = 0; i < FLOOD; i++) server.sendText(FLOODER, `第${i}条：优质均衡是什么？`);

    const replyTimes: { at: number; ms: number }[] = [];
    const users = Array.from({ length: USERS }, (_, k): TestUser => ({ id: 10_000 + k, first_name: `校长${k}` }));
    const step = async (u: TestUser, act: () => void, until: (ms: SentMessage[]) => boolean) => {
      const t0 = Date.now();
      act();
      await server.waitForMessages(u.id, until, 600_000);
      replyTimes.push({ at: t0, ms: Date.now() - t0 });
    };
    await Promise.all(users.map(async (u, k) => {
      await new Promise((r) => setTimeout(r, k * 150)); // people do not all start in the same millisecond
      let n = 0;
      await step(u, () => server.sendText(u, '/checklist'), (ms) => ms.length > n);
      for (const label of ['学校自查', '初中']) {
        n = server.messagesTo(u.id).length;
        const msg = [...server.messagesTo(u.id)].reverse().find((m) => buttonsOf(m).some((b) => b.text === label))!;
        await step(u, () => server.pressButton(u, msg, buttonsOf(msg).find((b) => b.text === label)!.callback_data as string), (ms) => ms.length > n);
      }
      for (const [i, typed] of TYPED(figures(k)).entries()) {
        n = server.messagesTo(u.id).length;
        const last = i === 7;
        await step(u, () => server.sendText(u, typed), (ms) => (last ? ms.slice(n).some((m) => m.text.includes('【自查报告】')) : ms.slice(n).some((m) => m.text.includes(`（${i + 2}/8）`))));
      }
      // And a question, as staff ask between steps.
      n = server.messagesTo(u.id).length;
      await step(u, () => server.sendText(u, '初中生均体育运动场馆面积要达到多少？'), (ms) => ms.length > n);
    }));
    const usersDoneAt = Date.now();
    await reindexDone;

    const db = new Database(path.join(work, 'data/state.db'), { readonly: true });
    let misplaced = 0;
    let lost = 0;
    for (const [k, u] of users.entries()) {
      const row = db.prepare('SELECT run FROM checklist_runs WHERE user_id = ?').get(String(u.id)) as { run: string } | undefined;
      if (!row) {
        lost += 8;
        continue;
      }
      const answers = (JSON.parse(row.run) as { answers: Record<string, { value?: number }> }).answers;
      for (const [key, want] of Object.entries(figures(k))) {
        const got = answers[key]?.value;
        if (got === undefined) lost++;
        else if (got !== want) misplaced++;
      }
    }
    db.close();
    const during = replyTimes.filter((r) => r.at < (reindexDoneAt || usersDoneAt)).map((r) => r.ms);
    rss.stop();
    console.log(
      `load: ${USERS} users × 12 steps with Bot API jitter 0–300 ms, 1 flooder × ${FLOOD}, re-index of +${BIG_MB} MB\n` +
        `  lost answers ${lost}, misplaced answers ${misplaced} (of ${USERS * 8})\n` +
        `  other users' reply time: p95 ${p95(replyTimes.map((r) => r.ms))} ms (all ${replyTimes.length} steps), ` +
        `p95 ${p95(during)} ms while the re-index ran (${during.length} steps)\n` +
        `  re-index finished after ${((reindexDoneAt - started) / 1000).toFixed(1)} s; bot peak RSS ${rss.peakMB.toFixed(0)} MB (with its children)`,
    );
  } finally {
    rss.stop();
    if (process.env.BENCH_VERBOSE) console.log(bot.output());
    await bot.kill9();
    await server.stop();
    fs.rmSync(work, { recursive: true, force: true });
  }
}

await main();
