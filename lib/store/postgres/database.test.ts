import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseDatabaseUrl, type PostgresConfig } from '../../database-url';
import { LEASE_TTL_MS } from '../../lease/lease';
import { createPool, IDLE_IN_TRANSACTION_MS, tx } from './database';
import { openPostgresStore } from './store';
import { freshPostgres, type FreshPostgres } from './test-database';

const PASSWORD = 'pa55-w0rd-n0t-for-logs';

let db: FreshPostgres;
beforeEach(async () => (db = await freshPostgres()));
afterEach(() => db.dispose());

/** The test database's URL with these parameters instead of the helper's. */
function config(params: string, password?: string): PostgresConfig {
  const url = db.url.replace(/\?.*$/, `?${params}`).replace('postgres@', password ? `postgres:${password}@` : 'postgres@');
  const parsed = parseDatabaseUrl(url);
  if (!parsed.ok) throw new Error(parsed.problems.join());
  return parsed.config;
}

describe('Postgres connections from DATABASE_URL', () => {
  it('sets each connection’s statement timeout and the pool’s size from the URL', async () => {
    const pool = createPool(config('pool=3&statement_timeout=150'));
    try {
      expect(pool.options.max).toBe(3);
      expect((await pool.query('SHOW statement_timeout')).rows).toEqual([{ statement_timeout: '150ms' }]);
      await expect(pool.query('SELECT pg_sleep(2)')).rejects.toThrow(/statement timeout/);
    } finally {
      await pool.end();
    }
  });

  it('ends a transaction its process left idle (frozen, or cut off), with its locks, before another process could take its apps over', { timeout: 30_000 }, async () => {
    expect(IDLE_IN_TRANSACTION_MS).toBeLessThan(LEASE_TTL_MS);
    await db.query('CREATE TABLE held (id int PRIMARY KEY, n int)');
    await db.query('INSERT INTO held VALUES (1, 0)');
    const pool = createPool(config('pool=1'));
    try {
      expect((await pool.query('SHOW idle_in_transaction_session_timeout')).rows).toEqual([{ idle_in_transaction_session_timeout: `${IDLE_IN_TRANSACTION_MS / 1000}s` }]);
      // A pass's transaction, between two statements, when its process stops answering.
      const stalled = tx(pool, async (c) => {
        await c.query('SELECT n FROM held WHERE id = 1 FOR UPDATE');
        // Another process's write of the locked row waits for the server to end this transaction, then goes through.
        await db.query('UPDATE held SET n = n + 1 WHERE id = 1');
        await c.query('SELECT 1');
      });
      await expect(stalled).rejects.toThrow(/idle-in-transaction timeout|connection/i);
      expect(await db.query('SELECT n FROM held')).toEqual([{ n: 1 }]);
      // The pool opens a new connection for what comes next.
      expect((await pool.query('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
    } finally {
      await pool.end();
    }
  });

  it('asks for TLS with sslmode=require, and fails against a server without it rather than sending in clear', async () => {
    const store = openPostgresStore(config('sslmode=require'));
    try {
      await expect(store.ping()).rejects.toThrow(/does not support SSL/);
    } finally {
      await store.close();
    }
  });

  it('never names the password when the server cannot be reached', async () => {
    const unreachable = parseDatabaseUrl(`postgres://console:${PASSWORD}@127.0.0.1:1/console?statement_timeout=1000`);
    if (!unreachable.ok) throw new Error(unreachable.problems.join());
    const store = openPostgresStore(unreachable.config);
    try {
      const err = await store.ping().then(
        () => null,
        (e: unknown) => e as Error,
      );
      expect(err?.message).toMatch(/^cannot open the database postgres:\/\/console@127\.0\.0\.1:1\/console: .*ECONNREFUSED/);
      expect(`${err?.message} ${err?.stack} ${JSON.stringify(err)}`).not.toContain(PASSWORD);
    } finally {
      await store.close();
    }
  });
});
