/** One user's turn with the state store open. */
export interface UserSession {
  /**
   * Makes the turn's state changes durable (with the update's `applied` mark).
   * Called before the turn's replies go out: a user is never told of a change that was not saved.
   */
  commit(): Promise<void>;
}

/**
 * Opens a user's state for one turn. With SQLite every write is already
 * durable and one process orders the turns, so a session is nothing. With
 * PostgreSQL (src/state/pg/sessions.ts) it holds the user's lock across
 * instances, loads their rows and commits what the turn wrote.
 */
export interface UserSessions {
  open<T>(userId: string, work: (session: UserSession) => Promise<T>): Promise<T>;
}

const nothingToCommit: UserSession = { commit: () => Promise.resolve() };

/** SQLite, one process: writes commit as they happen. */
export const immediateSessions: UserSessions = {
  open: (_userId, work) => work(nothingToCommit),
};

/**
 * Thrown into the handling of an update another instance has already
 * handled (`done`) or saved (`applied`, its replies perhaps lost): the
 * Telegram adapter answers it once, not twice.
 */
export class UpdateHandledElsewhere extends Error {
  constructor(readonly updateId: number, readonly status: 'done' | 'applied') {
    super(`update ${updateId} was already ${status} by another instance`);
    this.name = 'UpdateHandledElsewhere';
  }
}
