import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot, tempDir } from '../ingest/pipelineFixture.js';
import { mulberry32 } from '../helpers/random.js';
import { endPool, freshDatabase, type TestDatabase } from '../support/postgres.js';
import { BotApiServer, type TestUser } from './botApiServer.js';
import { button, LoadBalancer, startInstance, type Instance } from './instances.js';
import { TEXT } from '../../src/telegram/bot.js';

/**
 * Two real bot processes in webhook mode on one PostgreSQL, behind the test's
 * stand-in for Telegram and a load balancer. Users go through a whole school
 * checklist with consecutive messages sent alternately to the two instances
 * (some two at once, the second to the other instance while the first is being
 * handled); then one instance is killed (kill -9) mid-run. Every figure must be
 * saved against its own question, every report must read as in a run on one
 * instance.
 */
const TOKEN = '6660002:MULTI-instance-token-abcdefg';
const USERS = 50;
const ADMIN: TestUser = { id: 900, first_name: '管理员' };
const FIELDS = ['students', 'high_edu_teachers', 'backbone_teachers', 'pe_art_teachers', 'room_area', 'sport_area', 'equip_value', 'media_rooms'];
const figures = (k: number) => [1500 + k * 11, 80 + k, 18 + (k % 9), 15 + (k % 5), 9000 + k * 7, 15_000 + k * 9, 380 + k, 36 + (k % 7)];
const typed = (k: number) => figures(k).map((v, i) => (i === 5 ? `${v}平方米` : i === 6 ? `${v}万元` : i === 7 ? `${v}间` : String(v)));

let db: TestDatabase;
let pool: pg.Pool;
let server: BotApiServer;
let work: string;
let instances: Instance[] = [];
let lb: LoadBalancer;
let env: Record<string, string>;
/** Telegram answering the bot's sendMessage slowly, so that an update is still in flight when asked. */
let slowSends = false;

beforeAll(async () => {
  db = await freshDatabase();
  pool = new pg.Pool({ connectionString: db.url, max: 4 });
  work = tempDir('instances');
  // Each instance has its corpus folder on its own disk, as in a deployment.
  for (const name of ['A', 'B', 'B2']) {
    fs.mkdirSync(path.join(work, name, 'corpus'), { recursive: true });
    fs.copyFileSync(path.join(repoRoot, 'corpus/国家督导评估标准整理稿.md'), path.join(work, name, 'corpus/国家督导评估标准整理稿.md'));
  }
  server = await BotApiServer.start({ token: TOKEN });
  const random = mulberry32(7);
  server.setLatency((method) => (slowSends && method === 'sendMessage' ? 1500 : Math.floor(random() * 60)));
  env = { DATABASE_URL: db.url, ADMIN_USER_IDS: String(ADMIN.id) };
  // One after the other: the first creates the schema, the second finds it (both would be safe at once too).
  instances = [await startInstance(server, 'A', work, env), await startInstance(server, 'B', work, env)];
  lb = new LoadBalancer(server, instances);
}, 180_000);

afterAll(async () => {
  for (const i of instances) await i.process.stop().catch(() => undefined);
  await server?.stop();
  await endPool(pool);
  await db?.drop();
  if (work) fs.rmSync(work, { recursive: true, force: true });
});

/** Sends one user action to instance `i` and waits until the bot has answered it. */
async function step(u: TestUser, i: number, act: () => void, answered: (texts: string[]) => boolean): Promise<void> {
  const n = server.messagesTo(u.id).length;
  const { update } = lb.send(i, act);
  const texts = await server.waitForMessages(u.id, (ms) => answered(ms.slice(n).map((m) => m.text)), 60_000);
  // 机器人刚才重启了一下 may be the answer to an older update of this user whose replies died with
  // its instance: the user goes on only once this update is handled too, as they would on seeing its reply.
  if (texts.slice(n).some((m) => m.text === TEXT.restartedSaved)) await waitDone(update.update_id);
}

async function waitDone(updateId: number): Promise<void> {
  for (let t = 0; t < 2400; t++) {
    const { rows } = await pool.query<{ status: string }>('SELECT status FROM update_inbox WHERE update_id = $1', [updateId]);
    if (rows[0]?.status === 'done') return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`update ${updateId} was never handled`);
}

const prompt = (q: number) => (texts: string[]) => texts.some((t) => t.includes(`（${q}/8）`) || t.includes(TEXT.restartedSaved));
const report = (texts: string[]) => texts.some((t) => t.includes('【自查报告】'));

/** The whole checklist of user `u` with figures `k`; `route(s)` names the instance of step s. Returns the report as sent. */
async function checklist(u: TestUser, k: number, route: (s: number) => number, opts: { pairAt?: boolean; midway?: () => void } = {}): Promise<string> {
  await step(u, route(0), () => server.sendText(u, '/checklist'), (t) => t.length > 0);
  for (const [s, label] of [[1, '学校自查'], [2, '初中']] as const) {
    const b = button(server, u, label);
    await step(u, route(s), () => server.pressButton(u, b.message, b.data), (t) => t.length > 0);
  }
  const answers = typed(k);
  let from = 0;
  if (opts.pairAt) {
    // Two figures at once: the second goes to the other instance while the first is still being handled.
    const first = lb.send(route(3), () => server.sendText(u, answers[0]!));
    await waitRecorded(first.update.update_id);
    const n = server.messagesTo(u.id).length;
    lb.send(1 - route(3), () => server.sendText(u, answers[1]!));
    await server.waitForMessages(u.id, (ms) => prompt(3)(ms.slice(n).map((m) => m.text)), 60_000);
    from = 2;
  }
  for (let i = from; i < answers.length; i++) {
    if (i === 4) opts.midway?.();
    const last = i === answers.length - 1;
    const before = server.messagesTo(u.id).length;
    await step(u, route(3 + i), () => server.sendText(u, answers[i]!), last ? report : prompt(i + 2));
    if (last) {
      return server.messagesTo(u.id).slice(before).map((m) => m.text).filter((t) => t.includes('【自查报告】')).join('\n');
    }
  }
  throw new Error('unreachable');
}

async function waitRecorded(updateId: number): Promise<void> {
  for (let t = 0; t < 400; t++) {
    const { rowCount } = await pool.query('SELECT 1 FROM update_inbox WHERE update_id = $1', [updateId]);
    if (rowCount) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`update ${updateId} never reached an instance`);
}

/** Figures saved against the wrong question, and figures missing, over the users' saved runs. */
async function misplacedAndLost(users: { u: TestUser; k: number }[]): Promise<{ misplaced: number; lost: number }> {
  let misplaced = 0;
  let lost = 0;
  for (const { u, k } of users) {
    const { rows } = await pool.query<{ run: string }>('SELECT run FROM checklist_runs WHERE user_id = $1', [String(u.id)]);
    const saved = rows[0] ? (JSON.parse(rows[0].run) as { answers: Record<string, { value?: number }> }).answers : {};
    for (const [j, key] of FIELDS.entries()) {
      const got = saved[key]?.value;
      if (got === undefined) lost++;
      else if (got !== figures(k)[j]) misplaced++;
    }
  }
  return { misplaced, lost };
}

const single = new Map<number, string>();

describe('two instances on one PostgreSQL', () => {
  it('one instance registers the webhook; the other serves it without registering', () => {
    const registrations = server.calls.filter((c) => c.method === 'setWebhook');
    expect(registrations).toHaveLength(1);
    expect(server.registeredWebhook()).toBe('https://bot.example.org/telegram');
  });

  it(`${USERS} users, consecutive messages alternately to the two instances: nothing lost or mixed, every report as on one instance`, async () => {
    // The reference: the same figures through one instance only.
    const alone = Array.from({ length: USERS }, (_, k) => ({ u: { id: 30_000 + k, first_name: `单${k}` }, k }));
    await Promise.all(alone.map(async ({ u, k }) => single.set(k, await checklist(u, k, () => 0))));

    const users = Array.from({ length: USERS }, (_, k) => ({ u: { id: 20_000 + k, first_name: `校长${k}` }, k }));
    const reports = new Map<number, string>();
    await Promise.all(users.map(async ({ u, k }) => {
      await new Promise((r) => setTimeout(r, (k % 10) * 40));
      reports.set(k, await checklist(u, k, (s) => (k + s) % 2, { pairAt: k % 2 === 0 }));
    }));

    const counted = await misplacedAndLost(users);
    const same = users.filter(({ k }) => reports.get(k) === single.get(k)).length;
    console.log(`two instances: ${users.length} users × 11 steps, lost ${counted.lost}, misplaced ${counted.misplaced} of ${users.length * 8} figures; ${same}/${users.length} reports identical to one instance`);
    expect(counted).toEqual({ misplaced: 0, lost: 0 });
    for (const { k } of users) expect(reports.get(k)).toBe(single.get(k));
    // Both instances really handled this user's messages, and each update was answered once.
    const byInstance = new Set(lb.deliveries.filter((d) => JSON.stringify(d.update).includes('"id":20000')).map((d) => d.tried.at(-1)));
    expect([...byInstance].sort()).toEqual(['A', 'B']);
    const { rows } = await pool.query<{ n: string }>(`SELECT count(*) AS n FROM update_inbox WHERE status <> 'done'`);
    expect(Number(rows[0]!.n)).toBe(0);
    for (const { u } of users) {
      const prompts = server.messagesTo(u.id).map((m) => /（(\d)\/8）/u.exec(m.text)?.[1]).filter(Boolean);
      expect(prompts).toEqual(['1', '2', '3', '4', '5', '6', '7', '8']);
    }
  }, 300_000);

  it('SIGTERM while an update is in flight: the instance answers it, then exits; a new instance joins', async () => {
    const u: TestUser = { id: 45_000, first_name: '值班' };
    const n = server.messagesTo(u.id).length;
    slowSends = true;
    const d = lb.send(1, () => server.sendText(u, '优质均衡的校际差异系数小学不能超过多少'));
    await waitRecorded(d.update.update_id);
    const stopping = instances[1]!.process.stop();
    await server.waitForMessages(u.id, (ms) => ms.length > n, 30_000);
    await stopping;
    slowSends = false;
    expect(instances[1]!.process.child.exitCode).toBe(0);
    // Answered where it was sent, not retried elsewhere.
    expect(d.tried).toEqual(['B']);
    await d.answered;
    instances[1] = await startInstance(server, 'B2', work, env);
    instances[1].name = 'B';
  }, 120_000);

  it('an upload on instance A is answered by instance B once B has caught up', async () => {
    const name = '青禾县课后服务实施细则.md';
    const doc = '# 青禾县课后服务实施细则\n\n## 一、服务时间\n\n青禾县各义务教育学校课后服务每天不少于2小时，结束时间原则上不早于当地正常下班时间。\n';
    const staff: TestUser = { id: 46_000, first_name: '教务' };
    const started = Date.now();
    lb.send(0, () => server.sendDocument(ADMIN, name, Buffer.from(doc, 'utf8')));
    let said = '';
    let catchingUpSeen = false;
    for (;;) {
      const n = server.messagesTo(staff.id).length;
      lb.send(1, () => server.sendText(staff, '/sources'));
      said = (await server.waitForMessages(staff.id, (ms) => ms.length > n, 30_000)).slice(n).map((m) => m.text).join('\n');
      if (said.includes('正在同步')) catchingUpSeen = true;
      if (said.includes(name) && !said.includes('正在同步')) break;
      if (Date.now() - started > 120_000) throw new Error(`B never caught up; it said:\n${said}`);
      // A person checking again, not a flood.
      await new Promise((r) => setTimeout(r, 1000));
    }
    const catchUpS = (Date.now() - started) / 1000;
    const n = server.messagesTo(staff.id).length;
    lb.send(1, () => server.sendText(staff, '青禾县课后服务每天不少于多长时间？'));
    const answer = (await server.waitForMessages(staff.id, (ms) => ms.length > n, 30_000)).slice(n).map((m) => m.text).join('\n');
    console.log(`shared corpus: upload on A listed by B's /sources after ${catchUpS.toFixed(1)} s (B said it was catching up meanwhile: ${catchingUpSeen})`);
    expect(answer).toContain('不少于2小时');
    expect(answer).toContain('青禾县课后服务实施细则');
  }, 180_000);

  it('kill -9 of one instance mid-run: the other carries every user on where they were', async () => {
    const users = Array.from({ length: 20 }, (_, k) => ({ u: { id: 40_000 + k, first_name: `教务${k}` }, k }));
    let killed: Promise<void> | undefined;
    const killA = () => {
      killed ??= instances[0]!.process.kill9().then(() => {
        instances[0]!.alive = false;
      });
      return killed;
    };
    const reports = new Map<number, string>();
    await Promise.all(users.map(async ({ u, k }) => {
      // User 0 pulls the trigger half-way through their own checklist; the others are wherever they are.
      reports.set(k, await checklist(u, k, (s) => (k + s) % 2, k === 0 ? { midway: () => void killA() } : {}));
    }));
    await killed;
    expect(instances[0]!.alive).toBe(false);
    const counted = await misplacedAndLost(users);
    const failedOver = lb.deliveries.filter((d) => d.tried.length > 1).length;
    console.log(`kill -9 of A: ${users.length} users, lost ${counted.lost}, misplaced ${counted.misplaced} of ${users.length * 8} figures; ${failedOver} updates retried on B`);
    expect(counted).toEqual({ misplaced: 0, lost: 0 });
    for (const { k } of users) expect(reports.get(k)).toBe(single.get(k));
    // Updates sent to A after it died went to B.
    expect(lb.deliveries.some((d) => d.tried[0] === 'A' && d.tried.at(-1) === 'B')).toBe(true);
  }, 300_000);
});
