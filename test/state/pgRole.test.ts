import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Role } from '../../src/state/pg/role.js';
import { endPool, freshDatabase, type TestDatabase } from '../support/postgres.js';

let db: TestDatabase;
const pools: pg.Pool[] = [];
const quiet = { info: () => undefined, warn: () => undefined };

beforeAll(async () => {
  db = await freshDatabase();
});
afterAll(async () => {
  for (const p of pools) await endPool(p);
  await db?.drop();
});

function instancePool(): pg.Pool {
  const p = new pg.Pool({ connectionString: db.url, max: 3 });
  pools.push(p);
  return p;
}

const until = async (cond: () => boolean, ms: number) => {
  for (const t0 = Date.now(); !cond(); ) {
    if (Date.now() - t0 > ms) throw new Error('condition not reached');
    await new Promise((r) => setTimeout(r, 50));
  }
};

describe('a role only one instance holds (the webhook registration, the poller)', () => {
  it('goes to one instance; when it gives the role up, another takes it and does the job', async () => {
    const jobs: string[] = [];
    const a = Role.contend(instancePool(), 'webhook', async () => void jobs.push('A'), quiet);
    await a.firstAttempt();
    const b = Role.contend(instancePool(), 'webhook', async () => void jobs.push('B'), quiet);
    await b.firstAttempt();
    expect([a.held, b.held]).toEqual([true, false]);
    expect(jobs).toEqual(['A']);
    await a.release();
    await until(() => b.held, 15_000);
    expect(jobs).toEqual(['A', 'B']);
    await b.release();
  }, 30_000);

  it('is taken over when the holder dies without giving it up (its connection closes)', async () => {
    const dying = instancePool();
    const jobs: string[] = [];
    const a = Role.contend(dying, 'poller', async () => void jobs.push('A'), quiet);
    await a.firstAttempt();
    const b = Role.contend(instancePool(), 'poller', async () => void jobs.push('B'), quiet);
    await b.firstAttempt();
    expect(b.held).toBe(false);
    // The holder's process dies: the server ends its backend, which frees the advisory lock.
    const admin = instancePool();
    await admin.query(`SELECT pg_terminate_backend(pid) FROM pg_locks WHERE locktype = 'advisory' AND granted AND pid <> pg_backend_pid()`);
    await until(() => b.held, 15_000);
    expect(jobs).toEqual(['A', 'B']);
    expect(a.held).toBe(false);
    await b.release();
    await a.release();
  }, 30_000);

  it('a job that fails gives the role back, so it is tried again rather than held idle', async () => {
    let calls = 0;
    const r = Role.contend(instancePool(), 'webhook', async () => {
      calls++;
      if (calls === 1) throw new Error('setWebhook refused');
    }, quiet);
    await r.firstAttempt();
    expect(r.held).toBe(false);
    await until(() => r.held, 15_000);
    expect(calls).toBe(2);
    await r.release();
  }, 30_000);
});
