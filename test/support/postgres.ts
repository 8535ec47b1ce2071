import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { inject } from 'vitest';

/** A database of its own for one test file on the tests' PostgreSQL server; `drop` removes it. */
export interface TestDatabase {
  url: string;
  drop(): Promise<void>;
}

export async function freshDatabase(): Promise<TestDatabase> {
  const admin = inject('databaseUrl');
  if (!admin) throw new Error(`these tests need PostgreSQL: ${inject('databaseProblem')}`);
  const name = `junheng_test_${randomBytes(6).toString('hex')}`;
  const client = new pg.Client({ connectionString: admin });
  await client.connect();
  try {
    await client.query(`CREATE DATABASE ${name}`);
  } finally {
    await client.end();
  }
  const url = new URL(admin);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      const c = new pg.Client({ connectionString: admin });
      await c.connect();
      try {
        await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await c.end();
      }
    },
  };
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
