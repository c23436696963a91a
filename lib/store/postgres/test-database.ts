import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { inject } from 'vitest';
import { parseDatabaseUrl } from '../../database-url';
import type { Store } from '../store';
import { createPool } from './database';
import { openPostgresStore } from './store';
import { databaseUrl } from '../../../test-support/postgres-cluster';

export interface FreshPostgres {
  /** DATABASE_URL of the database, as a console process would be given it. */
  url: string;
  /** A store on it, a pool of its own each time, as another console process opens it. */
  open(): Store;
  /** A pool of its own (the store's createPool), for a test that calls the store's functions directly; closed by dispose. */
  pool(): pg.Pool;
  /** One statement on a connection of its own, for what the Store interface does not show. */
  query<R extends pg.QueryResultRow>(sql: string, params?: unknown[]): Promise<R[]>;
  /** Closes every store opened and drops the database. */
  dispose(): Promise<void>;
}

/**
 * A fresh database for one test, copied from the run's migrated template (test-cluster.ts), or
 * `empty` (no schema yet, for the migrations themselves).
 */
export async function freshPostgres(opts: { pool?: number; empty?: boolean } = {}): Promise<FreshPostgres> {
  const { url: serverUrl, template } = inject('postgres');
  const name = `t_${process.pid}_${randomBytes(6).toString('hex')}`;
  await admin(serverUrl, (c) => c.query(opts.empty ? `CREATE DATABASE ${name}` : `CREATE DATABASE ${name} TEMPLATE ${template}`));
  const url = `${databaseUrl(serverUrl, name)}${serverUrl.includes('?') ? '&' : '?'}pool=${opts.pool ?? 4}`;
  const parsed = parseDatabaseUrl(url);
  if (!parsed.ok) throw new Error(parsed.problems.join('\n'));
  const opened: Store[] = [];
  const pools: pg.Pool[] = [];
  const connectionString = parsed.config.connectionString.reveal();
  return {
    url,
    open: () => opened[opened.push(openPostgresStore(parsed.config)) - 1]!,
    pool: () => pools[pools.push(createPool(parsed.config)) - 1]!,
    query: async <R extends pg.QueryResultRow>(sql: string, params: unknown[] = []) => {
      const client = new pg.Client({ connectionString });
      await client.connect();
      try {
        return (await client.query<R>(sql, params)).rows;
      } finally {
        await client.end();
      }
    },
    dispose: async () => {
      for (const store of opened) await store.close();
      for (const pool of pools) await pool.end();
      await admin(serverUrl, (c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
    },
  };
}

async function admin(serverUrl: string, fn: (client: pg.Client) => Promise<unknown>): Promise<void> {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    await fn(client);
  } finally {
    await client.end();
  }
}
