// vitest globalSetup of the postgres project: one Postgres for the whole test run, and a migrated
// template database that each test copies (test-database.ts). TEST_DATABASE_URL names a
// server to use instead (its role must be allowed to create databases); otherwise a throwaway
// cluster is made (test-support/postgres-cluster.ts), and removed at the end. Without either,
// the run stops and says how to get one: the Postgres tests are never skipped.
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { databaseUrl, freePort, startCluster } from '../../../test-support/postgres-cluster';
import { parseDatabaseUrl } from '../../database-url';
import { createPool } from './database';
import { migrate } from './migrations';

declare module 'vitest' {
  export interface ProvidedContext {
    /** A server URL whose role may create databases, and the migrated template each test's database is copied from. */
    postgres: { url: string; template: string };
  }
}

export default async function setup(project: TestProject) {
  const given = process.env.TEST_DATABASE_URL?.trim();
  const cluster = given ? { url: given, stop: () => undefined } : startCluster(await freePort());
  const template = `tim_template_${process.pid}`;
  const admin = new pg.Client({ connectionString: cluster.url });
  try {
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS ${template}`);
    await admin.query(`CREATE DATABASE ${template}`);
    const parsed = parseDatabaseUrl(databaseUrl(cluster.url, template));
    if (!parsed.ok) throw new Error(parsed.problems.join('\n'));
    const pool = createPool(parsed.config);
    await migrate(pool).finally(() => pool.end());
  } catch (err) {
    await admin.end().catch(() => undefined);
    cluster.stop();
    throw err;
  }
  project.provide('postgres', { url: cluster.url, template });
  return async () => {
    // Each test dropped its own database; the template goes last, then the cluster, if it is ours.
    await admin.query(`DROP DATABASE IF EXISTS ${template}`).catch(() => undefined);
    await admin.end().catch(() => undefined);
    cluster.stop();
  };
}
