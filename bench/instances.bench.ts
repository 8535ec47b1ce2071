import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { BotApiServer, type TestUser } from '../test/telegram/botApiServer.js';
import { createDatabase } from '../test/support/pgDatabase.js';
import { LoadBalancer, startInstance, type Instance } from '../test/telegram/instances.js';

/**
 * Throughput of the bot behind a webhook on one PostgreSQL: USERS staff each
 * ask QUESTIONS questions (at most the flood limit of 15 in 10 s, or the bot
 * rightly drops some) (the train set's, read at run time), each waiting
 * for the answer before the next, first against one instance, then against
 * two behind a round-robin balancer. Reported: answers per second, in all and
 * per instance. The instances are real `npm start` processes in webhook mode.
 */
const root = path.resolve(import.meta.dirname, '..');
const shared = path.resolve(root, '../shared');
const USERS = Number(process.env.BENCH_INSTANCE_USERS ?? 40);
const QUESTIONS = Number(process.env.BENCH_INSTANCE_QUESTIONS ?? 10);
const TOKEN = '5550002:BENCH-instances-token-abcdefg';

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'junheng-instances-bench-'));
const script = path.join(root, '.ci/pg-cluster');

/** TEST_DATABASE_URL's server, or a throw-away cluster of this run; a database of its own on it. */
async function database(): Promise<{ url: string; done: () => Promise<void> }> {
  let admin = process.env.TEST_DATABASE_URL;
  let clusterDir: string | undefined;
  if (!admin) {
    const [url, dir] = execFileSync(script, ['start'], { encoding: 'utf8' }).trim().split(' ');
    admin = url!;
    clusterDir = dir;
  }
  const db = await createDatabase(admin, 'junheng_bench');
  return {
    url: db.url,
    done: async () => {
      await db.drop();
      if (clusterDir) execFileSync(script, ['stop', clusterDir]);
    },
  };
}

const questions = fs.readFileSync(path.join(shared, 'eval/train.jsonl'), 'utf8').split('\n').filter(Boolean)
  .map((l) => (JSON.parse(l) as { question: string }).question);

async function measure(server: BotApiServer, lb: LoadBalancer, instances: number, firstUser: number): Promise<{ perSecond: number; answers: number; seconds: number }> {
  let next = 0;
  const users = Array.from({ length: USERS }, (_, k): TestUser => ({ id: firstUser + k, first_name: `校长${k}` }));
  const t0 = Date.now();
  let answers = 0;
  await Promise.all(users.map(async (u, k) => {
    for (let q = 0; q < QUESTIONS; q++) {
      const n = server.messagesTo(u.id).length;
      lb.send(next++ % instances, () => server.sendText(u, questions[(k * QUESTIONS + q) % questions.length]!));
      await server.waitForMessages(u.id, (ms) => ms.length > n, 120_000);
      answers++;
    }
  }));
  const seconds = (Date.now() - t0) / 1000;
  return { perSecond: answers / seconds, answers, seconds };
}

async function main(): Promise<void> {
  const corpus = path.join(work, 'corpus');
  fs.mkdirSync(corpus);
  fs.copyFileSync(path.join(root, 'corpus/国家督导评估标准整理稿.md'), path.join(corpus, '国家督导评估标准整理稿.md'));
  for (const f of fs.readdirSync(path.join(shared, 'seeds'))) fs.copyFileSync(path.join(shared, 'seeds', f), path.join(corpus, f));
  const db = await database();
  const server = await BotApiServer.start({ token: TOKEN });
  const instances: Instance[] = [];
  try {
    const env = { CORPUS_DIR: corpus, DATABASE_URL: db.url, LOG_LEVEL: 'error' };
    instances.push(await startInstance(server, 'A', work, env), await startInstance(server, 'B', work, env));
    const lb = new LoadBalancer(server, instances);
    // Warm both (first answers load the dictionaries and the index pages).
    await measure(server, lb, 2, 90_000);
    const one = await measure(server, lb, 1, 10_000);
    const two = await measure(server, lb, 2, 50_000);
    console.log(
      `instances: ${USERS} users × ${QUESTIONS} questions each (train set), webhook, one PostgreSQL, ${os.cpus().length} CPUs\n` +
        `  one instance:  ${one.perSecond.toFixed(1)} answers/s (${one.answers} in ${one.seconds.toFixed(1)} s)\n` +
        `  two instances: ${two.perSecond.toFixed(1)} answers/s in all, ${(two.perSecond / 2).toFixed(1)} per instance (${two.answers} in ${two.seconds.toFixed(1)} s)`,
    );
  } finally {
    for (const i of instances) await i.process.stop();
    await server.stop();
    await db.done();
    fs.rmSync(work, { recursive: true, force: true });
  }
}

await main();
