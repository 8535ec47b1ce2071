import type pg from 'pg';
import { inject } from 'vitest';
import { createDatabase, type TestDatabase } from './pgDatabase.js';

export type { TestDatabase };

/** A database of its own for one test file on the tests' PostgreSQL server (see postgresSetup.ts). */
export async function freshDatabase(): Promise<TestDatabase> {
  const admin = inject('databaseUrl');
  if (!admin) throw new Error(`these tests need PostgreSQL: ${inject('databaseProblem')}`);
  return createDatabase(admin);
}

/**
 * Ends a pool and waits until its connections have really closed: `pool.end()`
 * resolves earlier, and a database dropped WITH (FORCE) meanwhile would kill
 * backends of a pool that no longer listens for errors.
 */
export async function endPool(pool: pg.Pool | undefined): Promise<void> {
  if (!pool) return;
  const open = pool.totalCount;
  let closed = 0;
  const allClosed = new Promise<void>((resolve) => {
    if (open === 0) resolve();
    pool.on('remove', () => void (++closed >= open && resolve()));
  });
  await pool.end();
  await allClosed;
}
