import { AsyncLocalStorage } from 'node:async_hooks';
import type Database from 'better-sqlite3';

/**
 * Where an update stands:
 * - `pending`: received, its effects not yet saved (handle it, again after a crash);
 * - `applied`: its state change is saved, its replies may not have gone out;
 * - `done`: handled and answered.
 */
export type InboxStatus = 'pending' | 'applied' | 'done';

export interface PendingUpdate {
  updateId: number;
  userId: string;
  status: 'pending' | 'applied';
  attempts: number;
  payload: unknown;
}

/** Handled updates are remembered this long, so a redelivery (Telegram or a webhook retry) is answered once. */
const KEEP_DONE_MS = 24 * 60 * 60 * 1000;
/** An update that took the process down this often is not tried again: it would crash-loop the bot. */
export const MAX_ATTEMPTS = 3;

/**
 * Every Telegram update is written here (synchronously, in arrival order) before
 * anything else happens to it, and marked when handled. The Bot API forgets an
 * update once the next poll confirms it, which may be before it was handled; so
 * after `kill -9` the updates still `pending` here are handled at the next start,
 * and nothing a user typed is lost. The state change an update makes and its
 * `applied` mark are one transaction (see `withinUpdate`), so a replay never
 * applies a figure twice.
 */
export class UpdateInbox {
  private readonly insert: Database.Statement;
  private readonly status: Database.Statement;
  private readonly mark: Database.Statement;
  private readonly list: Database.Statement;
  private readonly attempt: Database.Statement;
  private readonly prune: Database.Statement;

  constructor(private readonly db: Database.Database) {
    this.insert = db.prepare(
      `INSERT INTO update_inbox (update_id, user_id, payload, status, received_at) VALUES (?, ?, ?, 'pending', ?)
       ON CONFLICT(update_id) DO NOTHING`,
    );
    this.status = db.prepare('SELECT status FROM update_inbox WHERE update_id = ?');
    this.mark = db.prepare('UPDATE update_inbox SET status = ? WHERE update_id = ?');
    this.list = db.prepare(`SELECT update_id, user_id, payload, status, attempts FROM update_inbox WHERE status != 'done' ORDER BY update_id`);
    this.attempt = db.prepare('UPDATE update_inbox SET attempts = attempts + 1 WHERE update_id = ?');
    this.prune = db.prepare(`DELETE FROM update_inbox WHERE status = 'done' AND received_at < ?`);
    this.prune.run(new Date(Date.now() - KEEP_DONE_MS).toISOString());
  }

  /** Records an arriving update; says where it stood if it was seen before (a redelivery). */
  receive(updateId: number, userId: string, payload: unknown): { seen: InboxStatus | undefined } {
    const before = this.status.get(updateId) as { status: InboxStatus } | undefined;
    if (!before) this.insert.run(updateId, userId, JSON.stringify(payload), new Date().toISOString());
    return { seen: before?.status };
  }

  applied(updateId: number): void {
    this.mark.run('applied', updateId);
  }

  done(updateId: number): void {
    this.mark.run('done', updateId);
  }

  /** Updates a crash left unfinished, oldest first; each call counts an attempt. */
  unfinished(): PendingUpdate[] {
    const rows = this.list.all() as { update_id: number; user_id: string; payload: string; status: 'pending' | 'applied'; attempts: number }[];
    for (const r of rows) this.attempt.run(r.update_id);
    return rows.map((r) => ({ updateId: r.update_id, userId: r.user_id, status: r.status, attempts: r.attempts + 1, payload: JSON.parse(r.payload) as unknown }));
  }

  /** Runs `write` and marks the update applied in one transaction. */
  transaction(updateId: number, write: () => void): void {
    this.db.transaction(() => {
      write();
      this.applied(updateId);
    })();
  }
}

const current = new AsyncLocalStorage<{ inbox: UpdateInbox; updateId: number }>();

/** Runs the handling of one update so that state writes made on its behalf mark it applied atomically. */
export function withinUpdate<T>(inbox: UpdateInbox, updateId: number, work: () => Promise<T>): Promise<T> {
  return current.run({ inbox, updateId }, work);
}

/** A state write: inside an update's handling, in one transaction with its `applied` mark. */
export function stateWrite(write: () => void): void {
  const ctx = current.getStore();
  if (ctx) ctx.inbox.transaction(ctx.updateId, write);
  else write();
}
