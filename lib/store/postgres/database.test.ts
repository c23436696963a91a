import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseDatabaseUrl, type PostgresConfig } from '../../database-url';
import { createPool } from './database';
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
