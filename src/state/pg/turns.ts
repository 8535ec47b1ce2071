import { AsyncLocalStorage } from 'node:async_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import type pg from 'pg';
import { SAVE_FAILED_DB, StateDbError } from '../errors.js';
import { UpdateHandledElsewhere, type UserSession, type UserSessions } from '../session.js';
import type { DocumentTable, HistoryRow, HistoryTable, StateTables } from '../tables.js';
import { LOCK, unlockAndRelease } from './schema.js';

const DOCUMENT_TABLES: readonly DocumentTable[] = ['checklist_runs', 'tour_runs', 'chat_topics'];

type Write =
  | { kind: 'put'; table: DocumentTable; json: string; at: string }
  | { kind: 'delete'; table: DocumentTable }
  | { kind: 'file'; table: HistoryTable; id: number; json: string; at: string };

/** A user's rows as their turn began, and what the turn wrote since its last commit. */
interface Turn {
  userId: string;
  /** The database could not be reached: reads find nothing (questions still work), writes fail at once. */
  offline?: StateDbError;
  updateId: number | null;
  client: pg.PoolClient | null;
  documents: Map<DocumentTable, string | undefined>;
  history: HistoryRow[];
  writes: Write[];
}

const turns = new AsyncLocalStorage<Turn>();
const updates = new AsyncLocalStorage<number>();

/** Marks the handling of one Telegram update, so the user's session commits its `applied` mark with its writes. */
export function withinPgUpdate<T>(updateId: number, work: () => Promise<T>): Promise<T> {
  return updates.run(updateId, work);
}

function turnOf(userId: string): Turn {
  const turn = turns.getStore();
  // A programming error, not a user's: every state access belongs to that user's turn.
  if (!turn || turn.userId !== userId) throw new Error(`state of user ${userId} used outside their turn`);
  return turn;
}

function writable(userId: string): Turn {
  const turn = turnOf(userId);
  if (turn.offline) throw turn.offline;
  return turn;
}

/**
 * The dialogue's synchronous view of PostgreSQL: reads come from the rows
 * loaded when the user's turn began (the user's lock is held, so nobody else
 * changes them meanwhile), writes are collected and committed by the session.
 */
export class PgTables implements StateTables {
  getDocument(table: DocumentTable, userId: string): string | undefined {
    return turnOf(userId).documents.get(table);
  }

  putDocument(table: DocumentTable, userId: string, json: string): void {
    const turn = writable(userId);
    turn.documents.set(table, json);
    turn.writes.push({ kind: 'put', table, json, at: new Date().toISOString() });
  }

  deleteDocument(table: DocumentTable, userId: string): void {
    const turn = writable(userId);
    turn.documents.set(table, undefined);
    turn.writes.push({ kind: 'delete', table });
  }

  addHistory(table: HistoryTable, userId: string, json: string, alongside?: () => void): number {
    const turn = writable(userId);
    alongside?.();
    // Numbered per user: the user's rows are all loaded and their lock is held.
    const id = Math.max(0, ...turn.history.map((r) => r.id)) + 1;
    const at = new Date().toISOString();
    turn.history.unshift({ id, run: json, finished_at: at });
    turn.writes.push({ kind: 'file', table, id, json, at });
    return id;
  }

  listHistory(_table: HistoryTable, userId: string): HistoryRow[] {
    return [...turnOf(userId).history];
  }

  getHistory(_table: HistoryTable, userId: string, id: number): HistoryRow | undefined {
    return turnOf(userId).history.find((r) => r.id === id);
  }
}

/**
 * How long a turn waits for an older update of the same user that another
 * instance received but has not handled yet. Past it (that instance died
 * before taking the update) the turn goes on; the update is handled when
 * Telegram delivers it again.
 */
const ORDER_WAIT_MS = 10_000;
const ORDER_POLL_MS = 15;

export interface PgSessionsOptions {
  orderWaitMs?: number;
  log?: { warn(obj: object, msg: string): void; error(obj: object, msg: string): void };
}

/**
 * Sessions on PostgreSQL. A turn holds the user's advisory lock from before
 * it reads their rows until its replies are out, so two instances given the
 * same user's consecutive messages handle them one after the other, in
 * update_id order; the rows change only in `commit`, one transaction with
 * the update's `applied` mark.
 */
export class PgSessions implements UserSessions {
  constructor(private readonly pool: pg.Pool, private readonly options: PgSessionsOptions = {}) {}

  async open<T>(userId: string, work: (session: UserSession) => Promise<T>): Promise<T> {
    const held = turns.getStore();
    if (held?.userId === userId) return work({ commit: () => commit(held) });
    const updateId = updates.getStore() ?? null;
    let client: pg.PoolClient;
    try {
      client = await this.pool.connect();
    } catch (e) {
      return this.offline(userId, updateId, e, work);
    }
    try {
      await this.lockInOrder(client, userId, updateId);
    } catch (e) {
      client.release(e instanceof Error ? e : new Error(String(e)));
      return this.offline(userId, updateId, e, work);
    }
    try {
      if (updateId !== null) await this.stillToHandle(client, updateId);
      const turn = await load(client, userId, updateId);
      const session: UserSession = { commit: () => commit(turn) };
      const result = await turns.run(turn, () => work(session));
      await commit(turn);
      // Its replies are out: marked done before the lock goes, so a late redelivery finds it finished.
      if (updateId !== null) await client.query(`UPDATE update_inbox SET status = 'done' WHERE update_id = $1`, [updateId]);
      return result;
    } finally {
      await unlockAndRelease(client, LOCK.user, userId);
    }
  }

  /**
   * The database is unreachable: the turn runs without the user's state, so a
   * question is still answered; anything that would save progress says it could not.
   */
  private offline<T>(userId: string, updateId: number | null, e: unknown, work: (session: UserSession) => Promise<T>): Promise<T> {
    const offline = stateUnavailable('connect', e);
    this.options.log?.error({ err: e, user: userId }, 'state database unreachable; this turn runs without saved progress');
    const turn: Turn = { userId, updateId, offline, client: null, documents: new Map(), history: [], writes: [] };
    return turns.run(turn, () => work({ commit: () => Promise.resolve() }));
  }

  /** Takes the user's lock once no older update of theirs, received moments ago, is still waiting for it. */
  private async lockInOrder(client: pg.PoolClient, userId: string, updateId: number | null): Promise<void> {
    const waitMs = this.options.orderWaitMs ?? ORDER_WAIT_MS;
    const since = Date.now();
    for (;;) {
      await client.query('SELECT pg_advisory_lock($1, hashtext($2))', [LOCK.user, userId]);
      if (updateId === null) return;
      const { rows } = await client.query<{ update_id: string }>(
        `SELECT update_id FROM update_inbox
          WHERE user_id = $1 AND status = 'pending' AND update_id < $2 AND received_at > now() - make_interval(secs => $3)
          ORDER BY update_id LIMIT 1`,
        [userId, updateId, (waitMs * 3) / 1000],
      );
      if (rows.length === 0) return;
      if (Date.now() - since > waitMs) {
        this.options.log?.warn({ user: userId, update: updateId, older: Number(rows[0]!.update_id) }, 'an older update of this user is still unhandled; going on without it');
        return;
      }
      await client.query('SELECT pg_advisory_unlock($1, hashtext($2))', [LOCK.user, userId]);
      await sleep(ORDER_POLL_MS);
    }
  }

  /** Under the user's lock: an update another instance finished (or saved) meanwhile is not handled again. */
  private async stillToHandle(client: pg.PoolClient, updateId: number): Promise<void> {
    const { rows } = await client.query<{ status: string }>('SELECT status FROM update_inbox WHERE update_id = $1', [updateId]);
    const status = rows[0]?.status;
    if (status === 'done') throw new UpdateHandledElsewhere(updateId, 'done');
    if (status === 'applied') {
      await client.query(`UPDATE update_inbox SET status = 'done' WHERE update_id = $1`, [updateId]);
      throw new UpdateHandledElsewhere(updateId, 'applied');
    }
  }
}

async function load(client: pg.PoolClient, userId: string, updateId: number | null): Promise<Turn> {
  let docs: pg.QueryResult<{ t: DocumentTable; run: string }>;
  let history: pg.QueryResult<{ id: number; run: string; finished_at: Date }>;
  try {
    docs = await client.query(
      DOCUMENT_TABLES.map((t) => `SELECT '${t}' AS t, run FROM ${t} WHERE user_id = $1`).join(' UNION ALL '),
      [userId],
    );
    history = await client.query('SELECT id, run, finished_at FROM checklist_reports WHERE user_id = $1 ORDER BY id DESC', [userId]);
  } catch (e) {
    throw stateUnavailable('read', e);
  }
  return {
    userId,
    updateId,
    client,
    documents: new Map(docs.rows.map((r) => [r.t, r.run])),
    history: history.rows.map((r) => ({ id: r.id, run: r.run, finished_at: r.finished_at.toISOString() })),
    writes: [],
  };
}

/** The turn's writes since the last commit, and its update's `applied` mark, in one transaction. */
async function commit(turn: Turn): Promise<void> {
  const c = turn.client;
  if (turn.writes.length === 0 || !c) return;
  const writes = turn.writes.splice(0);
  try {
    await c.query('BEGIN');
    for (const w of writes) {
      if (w.kind === 'put') {
        await c.query(
          `INSERT INTO ${w.table} (user_id, run, updated_at) VALUES ($1, $2, $3)
           ON CONFLICT (user_id) DO UPDATE SET run = excluded.run, updated_at = excluded.updated_at`,
          [turn.userId, w.json, w.at],
        );
      } else if (w.kind === 'delete') {
        await c.query(`DELETE FROM ${w.table} WHERE user_id = $1`, [turn.userId]);
      } else {
        await c.query(`INSERT INTO ${w.table} (user_id, id, run, finished_at) VALUES ($1, $2, $3, $4)`, [turn.userId, w.id, w.json, w.at]);
      }
    }
    if (turn.updateId !== null) await c.query(`UPDATE update_inbox SET status = 'applied' WHERE update_id = $1 AND status = 'pending'`, [turn.updateId]);
    await c.query('COMMIT');
  } catch (e) {
    let rollback: unknown;
    try {
      await c.query('ROLLBACK');
    } catch (r) {
      rollback = r;
    }
    throw stateUnavailable('save', e, rollback);
  }
}

function stateUnavailable(what: string, e: unknown, also?: unknown): StateDbError {
  if (e instanceof StateDbError) return e;
  const detail = `${e instanceof Error ? e.message : String(e)}${also ? `; then ${also instanceof Error ? also.message : String(also)}` : ''}`;
  return new StateDbError(SAVE_FAILED_DB, `postgres state ${what} failed: ${detail}`, false, { cause: e });
}
