import { withinUpdate, type InboxStatus, type PendingUpdate, type UpdateInbox } from './inbox.js';

/**
 * The record of Telegram updates from arrival until handled, as the adapter
 * uses it: the SQLite inbox of one process, or the PostgreSQL one several
 * instances share (src/state/pg/ledger.ts).
 */
export interface UpdateLedger {
  /**
   * True when several instances share it: an update seen before may be in
   * the hands of another instance, so the user's session decides (under the
   * user's lock) whether it still needs handling.
   */
  readonly shared: boolean;
  /** Records an arriving update; says where it stood if it was seen before (a redelivery). */
  receive(updateId: number, userId: string, payload: unknown): Promise<{ seen: InboxStatus | undefined }>;
  /** Runs the handling of one update, so that the state it changes is marked as its own. */
  within<T>(updateId: number, work: () => Promise<T>): Promise<T>;
  done(updateId: number): Promise<void>;
  /** Updates a crash left unfinished, oldest first; each call counts an attempt. */
  unfinished(): Promise<PendingUpdate[]>;
}

/** The one-process ledger over the SQLite inbox (synchronous underneath). */
export class SqliteLedger implements UpdateLedger {
  readonly shared = false;

  constructor(private readonly inbox: UpdateInbox) {}

  async receive(updateId: number, userId: string, payload: unknown): Promise<{ seen: InboxStatus | undefined }> {
    return this.inbox.receive(updateId, userId, payload);
  }

  within<T>(updateId: number, work: () => Promise<T>): Promise<T> {
    return withinUpdate(this.inbox, updateId, work);
  }

  async done(updateId: number): Promise<void> {
    this.inbox.done(updateId);
  }

  async unfinished(): Promise<PendingUpdate[]> {
    return this.inbox.unfinished();
  }
}
