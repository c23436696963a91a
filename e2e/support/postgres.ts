import pg from 'pg';
import { databaseUrl, freePort, startCluster } from '../../test-support/postgres-cluster';

/** Where the browser tests' Postgres databases come from: TEST_DATABASE_URL's server, as for the store tests, or a throwaway cluster. */
export interface E2EPostgres {
  /** A new empty database: its URL. */
  createDatabase(name: string): Promise<string>;
  /** Drops what it created on a given server; stops and removes a throwaway cluster. */
  stop(): Promise<void>;
}

export async function e2ePostgres(): Promise<E2EPostgres> {
  const given = process.env.TEST_DATABASE_URL?.trim();
  if (!given) {
    const cluster = startCluster(await freePort());
    return { createDatabase: async (name) => cluster.createDatabase(name), stop: async () => cluster.stop() };
  }
  const created: string[] = [];
  const admin = async (sql: string) => {
    const client = new pg.Client({ connectionString: given });
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  };
  return {
    createDatabase: async (name) => {
      await admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await admin(`CREATE DATABASE ${name}`);
      created.push(name);
      return databaseUrl(given, name);
    },
    stop: async () => {
      for (const name of created) await admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    },
  };
}
