import type pg from 'pg';

/**
 * Advisory lock keys (two-int form): the first int says what kind of lock,
 * so a user's lock never collides with the system's.
 */
export const LOCK = {
  system: 0x4a48,
  user: 0x4a49,
  migrations: 1,
  webhook: 2,
  poller: 3,
} as const;

/**
 * The schema, one step per version; a step never changes once released (add a
 * new one). The same tables as the SQLite file, with the reports numbered per
 * user and the inbox shared by every instance.
 */
export const MIGRATIONS: readonly string[] = [
  `CREATE TABLE checklist_runs (user_id TEXT PRIMARY KEY, run TEXT NOT NULL, updated_at TIMESTAMPTZ NOT NULL);
   CREATE TABLE tour_runs (user_id TEXT PRIMARY KEY, run TEXT NOT NULL, updated_at TIMESTAMPTZ NOT NULL);
   CREATE TABLE chat_topics (user_id TEXT PRIMARY KEY, run TEXT NOT NULL, updated_at TIMESTAMPTZ NOT NULL);
   CREATE TABLE checklist_reports (
     user_id TEXT NOT NULL,
     id INTEGER NOT NULL,
     run TEXT NOT NULL,
     finished_at TIMESTAMPTZ NOT NULL,
     PRIMARY KEY (user_id, id)
   );
   CREATE TABLE update_inbox (
     update_id BIGINT PRIMARY KEY,
     user_id TEXT NOT NULL,
     payload JSONB NOT NULL,
     status TEXT NOT NULL CHECK (status IN ('pending', 'applied', 'done')),
     attempts INTEGER NOT NULL DEFAULT 0,
     received_at TIMESTAMPTZ NOT NULL DEFAULT now()
   );
   CREATE INDEX update_inbox_open ON update_inbox (user_id, update_id) WHERE status <> 'done';`,
  // The shared corpus: every admin upload is a row (history kept); the id is the corpus version.
  `CREATE TABLE corpus_documents (
     id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
     name TEXT NOT NULL,
     bytes BYTEA NOT NULL,
     sha256 TEXT NOT NULL,
     uploaded_by TEXT NOT NULL,
     uploaded_at TIMESTAMPTZ NOT NULL DEFAULT now()
   );
   CREATE INDEX corpus_documents_current ON corpus_documents (name, id DESC);`,
];

export const SCHEMA_VERSION = MIGRATIONS.length;

/**
 * Brings the database to SCHEMA_VERSION. Each step and its version row commit
 * together; the advisory lock makes instances starting at the same moment
 * take turns, so each step runs once. Returns the versions applied now.
 */
export async function migrate(pool: pg.Pool): Promise<number[]> {
  const client = await pool.connect();
  const applied: number[] = [];
  try {
    await client.query('SELECT pg_advisory_lock($1, $2)', [LOCK.system, LOCK.migrations]);
    await client.query('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())');
    const { rows } = await client.query<{ v: number | null }>('SELECT max(version) AS v FROM schema_migrations');
    const current = rows[0]?.v ?? 0;
    if (current > MIGRATIONS.length) {
      throw new Error(`the database is at schema version ${current}, newer than this program's ${MIGRATIONS.length}`);
    }
    for (let v = current; v < MIGRATIONS.length; v++) {
      await client.query('BEGIN');
      try {
        await client.query(MIGRATIONS[v]!);
        await client.query('INSERT INTO schema_migrations (version) VALUES ($1)', [v + 1]);
        await client.query('COMMIT');
      } catch (e) {
        await client.query('ROLLBACK');
        throw e;
      }
      applied.push(v + 1);
    }
    return applied;
  } finally {
    await unlockAndRelease(client, LOCK.system, LOCK.migrations);
  }
}

/**
 * Gives back a session-level advisory lock and the connection. If the unlock
 * fails the connection is dropped instead: closing it releases its locks.
 */
export async function unlockAndRelease(client: pg.PoolClient, kind: number, key: number | string): Promise<void> {
  const sql = typeof key === 'number' ? 'SELECT pg_advisory_unlock($1, $2)' : 'SELECT pg_advisory_unlock($1, hashtext($2))';
  try {
    await client.query(sql, [kind, key]);
  } catch (e) {
    client.release(e instanceof Error ? e : new Error(String(e)));
    return;
  }
  client.release();
}
