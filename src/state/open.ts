import pg from 'pg';
import type { Config } from '../config.js';
import { JunhengError } from '../errors.js';
import { openUserState, type StateLog, type StateRecovery } from './db.js';
import { UpdateInbox } from './inbox.js';
import { SqliteLedger, type UpdateLedger } from './ledger.js';
import { PgLedger } from './pg/ledger.js';
import { migrate } from './pg/schema.js';
import { PgSessions, PgTables } from './pg/turns.js';
import { immediateSessions, type UserSessions } from './session.js';
import { SqliteTables, type StateTables } from './tables.js';

/** User state as the app uses it, on SQLite (one machine) or PostgreSQL (several instances). */
export interface AppState {
  kind: 'sqlite' | 'postgres';
  tables: StateTables;
  sessions: UserSessions;
  ledger: UpdateLedger;
  /** SQLite only: the file was damaged or unusable at start (see stateNoticeText). */
  recovered?: StateRecovery;
  /** PostgreSQL only: the pool, for the shared corpus and the webhook owner. */
  pool?: pg.Pool;
  close(): Promise<void>;
}

/** The SQLite file of one machine; never throws (a damaged file is recovered, see openUserState). */
export function openSqliteState(config: Config, log?: StateLog): AppState {
  const state = openUserState(config.stateDb, { legacyFile: config.legacyStateDb, log });
  return {
    kind: 'sqlite',
    tables: new SqliteTables(state.db),
    sessions: immediateSessions,
    ledger: new SqliteLedger(new UpdateInbox(state.db)),
    ...(state.recovered ? { recovered: state.recovered } : {}),
    close: async () => state.close(),
  };
}

export interface PgStateLog extends StateLog {
  debug(obj: object, msg: string): void;
}

/**
 * PostgreSQL at DATABASE_URL, migrated to this program's schema. Unlike the
 * SQLite file it is not recovered from backups here: an unreachable server
 * at start is a Chinese error naming DATABASE_URL.
 */
export async function openPostgresState(database: NonNullable<Config['database']>, log?: PgStateLog): Promise<AppState> {
  const pool = new pg.Pool({ connectionString: database.url, max: database.poolSize, connectionTimeoutMillis: 10_000 });
  // An idle connection the server drops (a restart) must not take the process down.
  pool.on('error', (e) => log?.warn({ err: e }, 'idle PostgreSQL connection failed; the pool replaces it'));
  try {
    const applied = await migrate(pool);
    if (applied.length > 0) log?.info({ applied }, 'PostgreSQL schema migrated');
  } catch (e) {
    await pool.end();
    throw new JunhengError(`连不上用户数据库，或无法更新它的表结构（DATABASE_URL）：${e instanceof Error ? e.message : String(e)}`, `postgres at start: ${String(e)}`, { cause: e });
  }
  return {
    kind: 'postgres',
    tables: new PgTables(),
    sessions: new PgSessions(pool, { log: log ?? { warn: () => undefined, error: () => undefined } }),
    ledger: new PgLedger(pool),
    pool,
    close: () => pool.end(),
  };
}

/** The configured store: PostgreSQL when DATABASE_URL is set, else the SQLite file. */
export async function openAppState(config: Config, log?: PgStateLog): Promise<AppState> {
  return config.database ? openPostgresState(config.database, log) : openSqliteState(config, log);
}
