import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { inject } from 'vitest';
import { parseDatabaseUrl } from '../../database-url';
import type { Store } from '../store';
import { openPostgresStore } from './store';
import { databaseUrl } from './test-cluster';

/**
 * A fresh database for one test, copied from the run's migrated template (test-cluster.ts): `open()` opens a store on it, a pool of its own each time, as another
 * console process would; `dispose()` closes them all and drops the database.
 */
export async function freshPostgres(opts: { pool?: number } = {}): Promise<{ url: string; open: () => Store; dispose: () => Promise<void> }> {
  const { url: serverUrl, template } = inject('postgres');
  const name = `t_${process.pid}_${randomBytes(6).toString('hex')}`;
  await admin(serverUrl, (c) => c.query(`CREATE DATABASE ${name} TEMPLATE ${template}`));
  const url = `${databaseUrl(serverUrl, name)}${serverUrl.includes('?') ? '&' : '?'}pool=${opts.pool ?? 4}`;
  const parsed = parseDatabaseUrl(url);
  if (!parsed.ok) throw new Error(parsed.problems.join('\n'));
  const opened: Store[] = [];
  return {
    url,
    open: () => opened[opened.push(openPostgresStore(parsed.config)) - 1]!,
    dispose: async () => {
      for (const store of opened) await store.close();
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
