import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ChecklistRunStore, newRun } from '../../src/checklist/run.js';
import { SAVE_FAILED_DB, StateDbError } from '../../src/state/errors.js';
import { PgLedger } from '../../src/state/pg/ledger.js';
import { migrate, SCHEMA_VERSION } from '../../src/state/pg/schema.js';
import { PgSessions, PgTables } from '../../src/state/pg/turns.js';
import { UpdateHandledElsewhere } from '../../src/state/session.js';
import { endPool, freshDatabase, type TestDatabase } from '../support/postgres.js';
import { thrown } from '../helpers/thrown.js';

let db: TestDatabase;
/** Two pools stand for two instances of the bot. */
let poolA: pg.Pool;
let poolB: pg.Pool;

beforeAll(async () => {
  db = await freshDatabase();
  poolA = new pg.Pool({ connectionString: db.url, max: 4 });
  poolB = new pg.Pool({ connectionString: db.url, max: 4 });
  // Both instances start at once: the migrations still run once.
  const [a, b] = await Promise.all([migrate(poolA), migrate(poolB)]);
  expect([...a, ...b].sort()).toEqual(Array.from({ length: SCHEMA_VERSION }, (_, i) => i + 1));
});

afterAll(async () => {
  await endPool(poolA);
  await endPool(poolB);
  await db?.drop();
});

const store = new ChecklistRunStore(new PgTables());
const sessionsA = () => new PgSessions(poolA);
const sessionsB = () => new PgSessions(poolB);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('PostgreSQL schema', () => {
  it('records every version once and a second start applies nothing', async () => {
    expect(await migrate(poolA)).toEqual([]);
    const { rows } = await poolA.query<{ version: number }>('SELECT version FROM schema_migrations ORDER BY version');
    expect(rows.map((r) => r.version)).toEqual(Array.from({ length: SCHEMA_VERSION }, (_, i) => i + 1));
  });
});

describe('user state on PostgreSQL through sessions', () => {
  it('a run saved in one instance is read by the other, and reports are numbered per user', async () => {
    await sessionsA().open('u1', async (s) => {
      expect(store.get('u1')).toBeUndefined();
      store.save('u1', { ...newRun(), mode: 'school' });
      await s.commit();
    });
    await sessionsB().open('u1', async () => {
      expect(store.get('u1')?.mode).toBe('school');
      expect(store.finish('u1', { ...newRun(), mode: 'school', stage: 'junior' })).toBe(1);
      expect(store.finish('u1', { ...newRun(), mode: 'school', stage: 'primary' })).toBe(2);
    });
    await sessionsA().open('u2', async () => {
      expect(store.finish('u2', newRun())).toBe(1);
    });
    await sessionsA().open('u1', async () => {
      expect(store.reports('u1').map((r) => [r.id, r.value.stage])).toEqual([[2, 'primary'], [1, 'junior']]);
      expect(store.report('u1', 1)?.value.stage).toBe('junior');
      expect(store.get('u1')?.stage).toBe('primary');
      store.delete('u1');
    });
    await sessionsB().open('u1', async () => expect(store.get('u1')).toBeUndefined());
  });

  it('state used outside its user\'s turn is a programming error, not silently empty', async () => {
    expect(thrown(() => store.get('u9'))).toBeInstanceOf(Error);
    await sessionsA().open('u1', async () => expect(thrown(() => store.get('u9'))).toBeInstanceOf(Error));
  });

  it('a turn that fails before committing leaves nothing behind', async () => {
    await expect(sessionsA().open('u3', async () => {
      store.save('u3', newRun());
      throw new Error('the dialogue failed');
    })).rejects.toThrow('the dialogue failed');
    await sessionsB().open('u3', async () => expect(store.get('u3')).toBeUndefined());
  });

  it('two instances given the same user at once take turns: the second sees the first one\'s write', async () => {
    const order: string[] = [];
    let entered!: () => void;
    const aIsIn = new Promise<void>((r) => (entered = r));
    const first = sessionsA().open('u4', async (s) => {
      order.push('A in');
      store.save('u4', { ...newRun(), answers: { students: { status: 'value', value: 1200 } } });
      await s.commit();
      entered();
      await sleep(300);
      order.push('A out');
    });
    await aIsIn;
    const second = sessionsB().open('u4', async () => {
      order.push('B in');
      const run = store.get('u4')!;
      store.save('u4', { ...run, answers: { ...run.answers, classes: { status: 'value', value: 26 } } });
    });
    await Promise.all([first, second]);
    expect(order).toEqual(['A in', 'A out', 'B in']);
    await sessionsA().open('u4', async () => expect(Object.keys(store.get('u4')!.answers).sort()).toEqual(['classes', 'students']));
  });

  it('other users are not held up by one user\'s long turn', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let entered!: () => void;
    const aIsIn = new Promise<void>((r) => (entered = r));
    const long = sessionsA().open('u5', async () => {
      entered();
      await gate;
    });
    await aIsIn;
    // u5's turn is still open (its gate is shut): u6's turn must finish regardless.
    await sessionsB().open('u6', async () => {
      store.save('u6', newRun());
    });
    release();
    await long;
    await sessionsA().open('u6', async () => expect(store.get('u6')).toBeDefined());
  });
});

describe('the shared update inbox', () => {
  const ledgerA = () => new PgLedger(poolA);
  const ledgerB = () => new PgLedger(poolB);

  it('an update delivered to both instances is recorded once; the second sees where it stands', async () => {
    expect(await ledgerA().receive(501, 'u7', { update_id: 501 })).toEqual({ seen: undefined });
    expect(await ledgerB().receive(501, 'u7', { update_id: 501 })).toEqual({ seen: 'pending' });
    await ledgerA().done(501);
    expect(await ledgerB().receive(501, 'u7', { update_id: 501 })).toEqual({ seen: 'done' });
  });

  it('a turn for a later update waits until the same user\'s earlier one, received by the other instance, is handled', async () => {
    const order: string[] = [];
    await ledgerA().receive(601, 'u8', {});
    await ledgerB().receive(602, 'u8', {});
    const later = ledgerB().within(602, () => sessionsB().open('u8', async () => void order.push('602')));
    // 602's turn is waiting for 601, which instance A has received but not handled yet.
    await sleep(150);
    expect(order).toEqual([]);
    await ledgerA().within(601, () => sessionsA().open('u8', async () => void order.push('601')));
    await later;
    expect(order).toEqual(['601', '602']);
    const { rows } = await poolA.query('SELECT update_id, status FROM update_inbox WHERE user_id = $1 ORDER BY update_id', ['u8']);
    expect(rows).toEqual([{ update_id: '601', status: 'done' }, { update_id: '602', status: 'done' }]);
  });

  it('a state change and its update\'s applied mark commit together; a redelivery after it is not handled again', async () => {
    await ledgerA().receive(701, 'u10', {});
    await expect(ledgerA().within(701, () => sessionsA().open('u10', async (s) => {
      store.save('u10', newRun());
      await s.commit();
      // The instance dies before its replies are out.
      throw new Error('killed');
    }))).rejects.toThrow('killed');
    expect((await poolA.query('SELECT status FROM update_inbox WHERE update_id = 701')).rows[0].status).toBe('applied');
    // Telegram delivers it again, to the other instance: saved already, so not applied twice.
    expect(await ledgerB().receive(701, 'u10', {})).toEqual({ seen: 'applied' });
    const again = await ledgerB().within(701, () => sessionsB().open('u10', async () => 'handled twice')).catch((e: unknown) => e);
    expect(again).toBeInstanceOf(UpdateHandledElsewhere);
    expect((again as UpdateHandledElsewhere).status).toBe('applied');
  });

  it('the updates left unfinished are listed oldest first, each listing counting an attempt', async () => {
    await ledgerA().receive(802, 'u11', { n: 2 });
    await ledgerA().receive(801, 'u11', { n: 1 });
    const open = (await ledgerB().unfinished()).filter((u) => u.userId === 'u11');
    expect(open.map((u) => [u.updateId, u.attempts, u.payload])).toEqual([[801, 1, { n: 1 }], [802, 1, { n: 2 }]]);
  });
});

describe('a database that cannot be reached', () => {
  it('questions still run; saving progress says in Chinese that it could not', async () => {
    const dead = new pg.Pool({ connectionString: 'postgres://postgres@127.0.0.1:1/none', connectionTimeoutMillis: 500 });
    const errors: string[] = [];
    const sessions = new PgSessions(dead, { log: { warn: () => undefined, error: (_o, msg) => void errors.push(msg) } });
    const seen = await sessions.open('u12', async () => {
      const before = store.get('u12');
      const e = thrown(() => store.save('u12', newRun()));
      return { before, e };
    });
    expect(seen.before).toBeUndefined();
    expect(seen.e).toBeInstanceOf(StateDbError);
    expect((seen.e as StateDbError).userMessage).toBe(SAVE_FAILED_DB);
    expect(errors).toEqual(['state database unreachable; this turn runs without saved progress']);
    await dead.end();
  });
});
