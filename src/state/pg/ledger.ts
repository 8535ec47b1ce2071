import type pg from 'pg';
import type { InboxStatus, PendingUpdate } from '../inbox.js';
import type { UpdateLedger } from '../ledger.js';
import { withinPgUpdate } from './turns.js';

/** Handled updates are remembered this long, so a redelivery is answered once (as the SQLite inbox). */
const KEEP_DONE_HOURS = 24;

/**
 * The inbox every instance shares. `update_id` is its key, so a webhook
 * delivery retried to another instance finds the first one's row; whether it
 * still needs handling is decided under the user's lock (PgSessions).
 */
export class PgLedger implements UpdateLedger {
  readonly shared = true;

  constructor(private readonly pool: pg.Pool) {}

  async receive(updateId: number, userId: string, payload: unknown): Promise<{ seen: InboxStatus | undefined }> {
    const inserted = await this.pool.query(
      `INSERT INTO update_inbox (update_id, user_id, payload, status) VALUES ($1, $2, $3, 'pending')
       ON CONFLICT (update_id) DO NOTHING`,
      [updateId, userId, JSON.stringify(payload)],
    );
    if (inserted.rowCount === 1) return { seen: undefined };
    const { rows } = await this.pool.query<{ status: InboxStatus }>('SELECT status FROM update_inbox WHERE update_id = $1', [updateId]);
    return { seen: rows[0]?.status ?? 'done' };
  }

  within<T>(updateId: number, work: () => Promise<T>): Promise<T> {
    return withinPgUpdate(updateId, work);
  }

  async done(updateId: number): Promise<void> {
    await this.pool.query(`UPDATE update_inbox SET status = 'done' WHERE update_id = $1`, [updateId]);
  }

  async unfinished(): Promise<PendingUpdate[]> {
    await this.pool.query(`DELETE FROM update_inbox WHERE status = 'done' AND received_at < now() - make_interval(hours => $1)`, [KEEP_DONE_HOURS]);
    const { rows } = await this.pool.query<{ update_id: string; user_id: string; payload: unknown; status: 'pending' | 'applied'; attempts: number }>(
      `UPDATE update_inbox SET attempts = attempts + 1 WHERE status <> 'done'
       RETURNING update_id, user_id, payload, status, attempts`,
    );
    return rows
      .map((r) => ({ updateId: Number(r.update_id), userId: r.user_id, status: r.status, attempts: r.attempts, payload: r.payload }))
      .sort((a, b) => a.updateId - b.updateId);
  }
}
