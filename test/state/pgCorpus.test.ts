import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scanCorpusWithSkipped } from '../../src/ingest/scan.js';
import {
  CorpusFollower,
  CorpusPublishError,
  LISTENER_APPLICATION_NAME,
  prepareSharedCorpus,
  publishUpload,
  recordIndexed,
  SYNC_STATE_FILE,
} from '../../src/state/pg/corpus.js';
import { migrate } from '../../src/state/pg/schema.js';
import { listVersions, saveToCorpus } from '../../src/ingest/corpusFolder.js';
import { tempDirsOfThisFile } from '../ingest/pipelineFixture.js';
import { capturedLog, rejection } from '../support/capturedLog.js';
import { endPool, freshDatabase, type TestDatabase } from '../support/postgres.js';

/**
 * Two instances on one database, each with its own pool and corpus folder:
 * A publishes uploads, B's follower writes them into its folder and asks for
 * its re-index. Real PostgreSQL, real files.
 */
let db: TestDatabase;
let poolA: pg.Pool;
let poolB: pg.Pool;
const { temp } = tempDirsOfThisFile();
const followers: CorpusFollower[] = [];

beforeAll(async () => {
  db = await freshDatabase();
  poolA = new pg.Pool({ connectionString: db.url, max: 4 });
  poolB = new pg.Pool({ connectionString: db.url, max: 4 });
  await migrate(poolA);
});

/**
 * pool.end() resolves before its connections have closed. Dropping the database terminates the
 * backends still open, and that error on an ended pool (no listener left) would be uncaught: the
 * database is dropped only once every connection has closed.
 */
afterAll(async () => {
  for (const f of followers) await f.stop();
  await endPool(poolA);
  await endPool(poolB);
  await db?.drop();
});

async function waitFor(what: string, ok: () => boolean | Promise<boolean>, ms = 15_000): Promise<void> {
  const until = Date.now() + ms;
  while (!(await ok())) {
    if (Date.now() > until) throw new Error(`timed out waiting for: ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** A re-index the test finishes by hand, so it can look at the follower while the re-index runs. */
function reindexes() {
  const pending: (() => void)[] = [];
  let calls = 0;
  return {
    onChanged: () => {
      calls++;
      return new Promise<void>((resolve) => pending.push(resolve));
    },
    get calls() {
      return calls;
    },
    finishAll: async () => {
      for (const r of pending.splice(0)) r();
      // Lets the follower's bookkeeping after the promise run.
      await new Promise((r) => setImmediate(r));
    },
  };
}

function follower(corpusDir: string, onChanged: () => Promise<unknown>, log = capturedLog().log): CorpusFollower {
  const f = new CorpusFollower({ pool: poolB, corpusDir, onChanged, log, retryMs: 50, maxRetryMs: 200 });
  followers.push(f);
  return f;
}

/** What instance A's upload path does: saved in A's folder, then published. */
async function uploadOnA(dirA: string, name: string, text: string) {
  const bytes = Buffer.from(text, 'utf8');
  saveToCorpus(dirA, name, bytes);
  return publishUpload(poolA, { name, bytes, uploadedBy: '1001' });
}

const listenerBackends = async (): Promise<number[]> => {
  const { rows } = await poolA.query<{ pid: number }>(
    "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND application_name = $1 AND query = 'LISTEN corpus_changed' AND state = 'idle'",
    [LISTENER_APPLICATION_NAME],
  );
  return rows.map((r) => r.pid);
};

describe('shared corpus across instances', () => {
  const dirA = temp('corpus-a');
  const dirB = temp('corpus-b');
  const name = '青禾县课后服务实施细则.md';
  const first = '# 课后服务\n每天课后服务时间不少于2小时。\n';
  const second = '# 课后服务\n每天课后服务时间不少于2.5小时。\n';
  const b = reindexes();
  let followerB: CorpusFollower;

  it('an upload on A reaches B\'s folder, B re-indexes, and B is caught up only once that re-index finished', async () => {
    followerB = follower(dirB, b.onChanged);
    await followerB.start();
    expect(followerB.status()).toEqual({ databaseVersion: 0, localVersion: 0, indexedVersion: 0, catchingUp: false });
    expect(b.calls).toBe(0);

    const published = await uploadOnA(dirA, name, first);
    expect(published.published).toBe(true);
    await waitFor('B asks for a re-index', () => b.calls === 1);
    expect(fs.readFileSync(path.join(dirB, name), 'utf8')).toBe(first);
    // Written, not yet indexed: still catching up.
    expect(followerB.status()).toEqual({ databaseVersion: published.version, localVersion: published.version, indexedVersion: 0, catchingUp: true });

    await b.finishAll();
    expect(followerB.status()).toEqual({ databaseVersion: published.version, localVersion: published.version, indexedVersion: published.version, catchingUp: false });

    const { rows } = await poolA.query<{ name: string; sha256: string; uploaded_by: string; uploaded_at: Date }>('SELECT name, sha256, uploaded_by, uploaded_at FROM corpus_documents');
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ name, uploaded_by: '1001' });
    expect(rows[0]!.sha256).toMatch(/^[0-9a-f]{64}$/u);
    expect(rows[0]!.uploaded_at).toBeInstanceOf(Date);
  });

  it('the same bytes published again add no version and announce nothing', async () => {
    const again = await uploadOnA(dirA, name, first);
    expect(again).toEqual({ version: followerB.status().localVersion, published: false });
    const { rows } = await poolA.query<{ n: string }>('SELECT count(*) AS n FROM corpus_documents');
    expect(Number(rows[0]!.n)).toBe(1);
    await followerB.sync();
    expect(b.calls).toBe(1);
  });

  it('a replaced document (same name, new bytes) replaces B\'s file and keeps B\'s old copy in .history', async () => {
    const published = await uploadOnA(dirA, name, second);
    expect(published.published).toBe(true);
    await waitFor('B asks for a second re-index', () => b.calls === 2);
    expect(fs.readFileSync(path.join(dirB, name), 'utf8')).toBe(second);
    const kept = listVersions(dirB, name);
    expect(kept).toHaveLength(1);
    expect(fs.readFileSync(kept[0]!.path, 'utf8')).toBe(first);
    expect(followerB.status().catchingUp).toBe(true);
    await b.finishAll();
    expect(followerB.status()).toMatchObject({ indexedVersion: published.version, catchingUp: false });
    // The database keeps every upload: both versions are rows.
    const { rows } = await poolA.query<{ id: string }>('SELECT id FROM corpus_documents WHERE name = $1 ORDER BY id', [name]);
    expect(rows.map((r) => Number(r.id))).toEqual([published.version - 1, published.version]);
  });

  it('a restart of B with nothing new does not re-index again; the versions are kept in a dot file the ingest skips', async () => {
    const before = followerB.status();
    await followerB.stop();
    const state = JSON.parse(fs.readFileSync(path.join(dirB, SYNC_STATE_FILE), 'utf8')) as unknown;
    expect(state).toEqual({ localVersion: before.localVersion, indexedVersion: before.indexedVersion });
    const scan = scanCorpusWithSkipped([dirB]);
    expect(scan.files.map((f) => f.source)).toEqual([name]);
    expect(scan.skipped.map((s) => s.source)).toContain(SYNC_STATE_FILE);

    const again = reindexes();
    followerB = follower(dirB, again.onChanged);
    expect(followerB.status()).toEqual({ ...before, catchingUp: false });
    await followerB.start();
    expect(again.calls).toBe(0);
    expect(followerB.status()).toEqual(before);
    expect(listVersions(dirB, name)).toHaveLength(1);
  });

  it('a version published while B was stopped is written and indexed when B starts again', async () => {
    await followerB.stop();
    const published = await uploadOnA(dirA, '规划.md', '# 规划\n到2027年实现优质均衡。\n');
    const again = reindexes();
    followerB = follower(dirB, again.onChanged);
    await followerB.start();
    expect(again.calls).toBe(1);
    expect(fs.readFileSync(path.join(dirB, '规划.md'), 'utf8')).toContain('优质均衡');
    expect(followerB.status()).toMatchObject({ databaseVersion: published.version, localVersion: published.version, catchingUp: true });
    await again.finishAll();
    expect(followerB.status().catchingUp).toBe(false);
  });

  it('B keeps following after its listening connection is terminated, and hears the next notice', async () => {
    await followerB.stop();
    const { log, lines } = capturedLog();
    const c = reindexes();
    followerB = follower(dirB, c.onChanged, log);
    await followerB.start();
    const [pid] = await listenerBackends();
    expect(pid).toBeDefined();
    await poolA.query('SELECT pg_terminate_backend($1)', [pid]);
    await waitFor('B notices the lost connection', () => lines.some((l) => l.msg === 'lost the shared corpus listener; listening again'));
    await waitFor('B listens again', async () => (await listenerBackends()).some((p) => p !== pid));

    const published = await uploadOnA(dirA, '督导.md', '# 督导\n每年督导一次。\n');
    await waitFor('B hears the notice', () => lines.some((l) => l.msg === 'shared corpus notice' && l.version === String(published.version)));
    await waitFor('B asks for a re-index', () => c.calls === 1);
    expect(fs.readFileSync(path.join(dirB, '督导.md'), 'utf8')).toContain('每年督导一次');
    await c.finishAll();
    expect(followerB.status()).toMatchObject({ databaseVersion: published.version, indexedVersion: published.version, catchingUp: false });
  });

  it('syncs never overlap: notices and calls arriving during one make one more, not several at once', async () => {
    await followerB.stop();
    const { log, lines } = capturedLog();
    const c = reindexes();
    followerB = follower(dirB, c.onChanged, log);
    await followerB.start();
    const names = ['甲.md', '乙.md', '丙.md', '丁.md', '戊.md'];
    await Promise.all([
      ...names.map((n, i) => publishUpload(poolA, { name: n, bytes: Buffer.from(`# ${n}\n第${i}条。\n`), uploadedBy: '1002' })),
      ...names.map(() => followerB.sync()),
    ]);
    await waitFor('every document reaches B', () => names.every((n) => fs.existsSync(path.join(dirB, n))));
    await followerB.sync();
    const marks = lines.filter((l) => l.msg === 'shared corpus sync started' || l.msg === 'shared corpus sync finished').map((l) => l.msg);
    expect(marks.length).toBeGreaterThan(2);
    // Strictly alternating: no sync starts before the one before it has finished.
    marks.forEach((m, i) => expect(m).toBe(i % 2 === 0 ? 'shared corpus sync started' : 'shared corpus sync finished'));
    // Each document written once, whichever sync wrote it.
    for (const n of names) expect(lines.filter((l) => l.msg === 'shared corpus document written locally' && String(l.file).endsWith(n))).toHaveLength(1);
    await c.finishAll();
    await followerB.sync();
    await c.finishAll();
    expect(followerB.status().catchingUp).toBe(false);
  });

  it('a document B cannot write keeps B catching up, and is written by the retry once the obstacle is gone', async () => {
    await followerB.stop();
    const { log, lines } = capturedLog();
    const c = reindexes();
    followerB = follower(dirB, c.onChanged, log);
    await followerB.start();
    const blocked = path.join(dirB, '评估办法.md');
    fs.mkdirSync(blocked);
    const before = followerB.status().localVersion;
    const published = await uploadOnA(dirA, '评估办法.md', '# 评估办法\n县域评估每五年一次。\n');
    await waitFor('B logs the failed write', () => lines.some((l) => l.msg === 'could not write a shared corpus document into the corpus folder'));
    expect(followerB.status()).toMatchObject({ localVersion: before, databaseVersion: published.version, catchingUp: true });
    fs.rmdirSync(blocked);
    await waitFor('B writes it on a retry', () => c.calls === 1);
    expect(fs.readFileSync(blocked, 'utf8')).toContain('每五年一次');
    await c.finishAll();
    expect(followerB.status()).toMatchObject({ localVersion: published.version, indexedVersion: published.version, catchingUp: false });
  });

  it('a failed re-index is asked for again later, and the version is caught up only once one succeeds', async () => {
    await followerB.stop();
    const { log, lines } = capturedLog();
    let calls = 0;
    followerB = follower(dirB, async () => {
      calls++;
      if (calls === 1) throw new Error('embeddings service down');
    }, log);
    await followerB.start();
    const published = await uploadOnA(dirA, '经费.md', '# 经费\n公用经费的5%用于培训。\n');
    await waitFor('the re-index fails once', () => lines.some((l) => l.msg === 're-index after a shared corpus change failed; trying again later'));
    await waitFor('the re-index is asked for again', () => calls === 2);
    await waitFor('caught up', () => !followerB.status().catchingUp);
    expect(followerB.status().indexedVersion).toBe(published.version);
  });
});

describe('shared corpus at start and publishing', () => {
  it('a fresh instance gets every current document before its first index, and records the index as caught up', async () => {
    const dirC = temp('corpus-c');
    const { log } = capturedLog();
    const r = await prepareSharedCorpus(poolB, dirC, log);
    const { rows } = await poolA.query<{ name: string; id: string }>('SELECT DISTINCT ON (name) name, id FROM corpus_documents ORDER BY name, id DESC');
    expect(r.written.sort()).toEqual(rows.map((x) => x.name).sort());
    expect(r.localVersion).toBe(Math.max(...rows.map((x) => Number(x.id))));
    expect(r.indexedVersion).toBe(0);
    recordIndexed(dirC, r.localVersion, log);
    // Its follower starts caught up and does not re-index what the start already indexed.
    let calls = 0;
    const f = follower(dirC, async () => void calls++);
    await f.start();
    expect(calls).toBe(0);
    expect(f.status()).toMatchObject({ localVersion: r.localVersion, indexedVersion: r.localVersion, catchingUp: false });
  });

  it('refuses a name that is not a safe corpus file name, with a Chinese reason', async () => {
    const e = await rejection(publishUpload(poolA, { name: '../外面.md', bytes: Buffer.from('x'), uploadedBy: '1' }));
    expect(e).toBeInstanceOf(CorpusPublishError);
    expect((e as CorpusPublishError).userMessage).toContain('不能放入共享资料库');
  });

  it('a database that cannot be reached is a CorpusPublishError saying the local copy is kept', async () => {
    const dead = new pg.Pool({ connectionString: db.url.replace(/\/[^/]+$/u, '/no_such_database_here'), max: 1 });
    try {
      const e = await rejection(publishUpload(dead, { name: 'x.md', bytes: Buffer.from('x'), uploadedBy: '1' }));
      expect(e).toBeInstanceOf(CorpusPublishError);
      expect((e as CorpusPublishError).userMessage).toContain('已保存在本机');
    } finally {
      await dead.end();
    }
  });
});
