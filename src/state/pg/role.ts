import type pg from 'pg';
import { LOCK, unlockAndRelease } from './schema.js';

/** How often an instance without the role tries to take it (the holder may have died). */
const RETRY_MS = 5_000;

export interface RoleLog {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
}

/**
 * A job only one instance may do at a time (registering the webhook, polling
 * Telegram), held as a session-level advisory lock on a connection of its
 * own: when the holder dies its connection closes and the lock frees, and
 * another instance takes the role within RETRY_MS.
 */
export class Role {
  private client: pg.PoolClient | undefined;
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  private trying: Promise<void> = Promise.resolve();
  private onLost: ((e: Error) => void) | undefined;

  private constructor(
    private readonly pool: pg.Pool,
    private readonly key: number,
    private readonly name: string,
    private readonly onTaken: () => Promise<void>,
    private readonly log: RoleLog,
  ) {}

  /** Starts trying to take the role; `onTaken` runs once this instance holds it. */
  static contend(pool: pg.Pool, role: 'webhook' | 'poller', onTaken: () => Promise<void>, log: RoleLog): Role {
    const r = new Role(pool, role === 'webhook' ? LOCK.webhook : LOCK.poller, role, onTaken, log);
    r.trying = r.attempt();
    return r;
  }

  get held(): boolean {
    return this.client !== undefined;
  }

  /** Resolves after the first attempt (taken or not). */
  firstAttempt(): Promise<void> {
    return this.trying;
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => void (this.trying = this.attempt()), RETRY_MS);
    this.timer.unref();
  }

  private async attempt(): Promise<void> {
    let client: pg.PoolClient;
    try {
      client = await this.pool.connect();
    } catch (e) {
      this.log.warn({ err: e, role: this.name }, 'could not reach PostgreSQL to take a role; trying again');
      return this.schedule();
    }
    try {
      const { rows } = await client.query<{ ok: boolean }>('SELECT pg_try_advisory_lock($1, $2) AS ok', [LOCK.system, this.key]);
      if (rows[0]?.ok && this.stopped) await client.query('SELECT pg_advisory_unlock($1, $2)', [LOCK.system, this.key]);
      if (!rows[0]?.ok || this.stopped) {
        // Back to the pool without the lock: a pooled connection must never carry a role.
        client.release();
        return this.schedule();
      }
    } catch (e) {
      client.release(e instanceof Error ? e : new Error(String(e)));
      return this.schedule();
    }
    this.client = client;
    // The connection holding the role failing means the role is lost: try to take it again.
    const lost = (e: Error) => {
      this.log.warn({ err: e, role: this.name }, 'lost the connection holding a role');
      if (this.client === client) this.client = undefined;
      client.release(e);
      this.schedule();
    };
    client.on('error', lost);
    this.onLost = lost;
    this.log.info({ role: this.name }, 'this instance took the role');
    try {
      await this.onTaken();
    } catch (e) {
      // Holding the role without doing its job would keep the others from doing it: give it back, try later.
      this.log.warn({ err: e, role: this.name }, 'could not do the job of a role just taken; giving it back');
      this.client = undefined;
      await this.giveBack(client);
      this.schedule();
    }
  }

  /** Gives the role up (at shutdown) so another instance takes it at once. */
  async release(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.trying;
    const client = this.client;
    this.client = undefined;
    if (client) await this.giveBack(client);
  }

  /** Unlocks and returns the connection to the pool, where the role's error handler must not follow it. */
  private async giveBack(client: pg.PoolClient): Promise<void> {
    if (this.onLost) client.off('error', this.onLost);
    this.onLost = undefined;
    await unlockAndRelease(client, LOCK.system, this.key);
  }
}
