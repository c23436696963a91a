// vitest globalSetup of the postgres project: one Postgres for the whole test run, and a migrated
// template database that each test copies (test-database.ts). TEST_DATABASE_URL names a
// server to use instead (its role must be allowed to create databases); otherwise a throwaway
// cluster is made from the machine's initdb and pg_ctl, and removed at the end. Without either,
// the run stops and says how to get one: the Postgres tests are never skipped.
import { spawnSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { delimiter, join } from 'node:path';
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { parseDatabaseUrl } from '../../database-url';
import { createPool } from './database';
import { migrate } from './migrations';

declare module 'vitest' {
  export interface ProvidedContext {
    /** A server URL whose role may create databases, and the migrated template each test's database is copied from. */
    postgres: { url: string; template: string };
  }
}

class PostgresNotFound extends Error {}

const HOW_TO_GET_ONE = [
  'The Postgres store tests need a PostgreSQL server, and none was found. Either:',
  '  - install PostgreSQL (Debian/Ubuntu: `apt-get install -y postgresql`; its initdb and pg_ctl are then found under /usr/lib/postgresql/*/bin),',
  '    or set PG_BIN to the folder that holds initdb and pg_ctl;',
  '  - or set TEST_DATABASE_URL to a server the tests may create and drop databases on, e.g. postgres://postgres@127.0.0.1:5432/postgres.',
].join('\n');

/** PG_BIN, else the newest /usr/lib/postgresql/N/bin, else initdb on PATH. */
function findPgBin(env: NodeJS.ProcessEnv = process.env): string {
  const has = (dir: string) => existsSync(join(dir, 'initdb')) && existsSync(join(dir, 'pg_ctl'));
  if (env.PG_BIN) {
    if (has(env.PG_BIN)) return env.PG_BIN;
    throw new PostgresNotFound(`PG_BIN is ${env.PG_BIN}, which holds no initdb and pg_ctl.\n${HOW_TO_GET_ONE}`);
  }
  const debian = '/usr/lib/postgresql';
  const versions = existsSync(debian)
    ? readdirSync(debian)
        .filter((v) => /^\d+$/.test(v))
        .sort((a, b) => Number(b) - Number(a))
    : [];
  for (const v of versions) if (has(join(debian, v, 'bin'))) return join(debian, v, 'bin');
  for (const dir of (env.PATH ?? '').split(delimiter)) if (dir && has(dir)) return dir;
  throw new PostgresNotFound(HOW_TO_GET_ONE);
}

/** Postgres refuses to run as root: as root, its tools run as the postgres user, on a folder that user owns. */
function run(bin: string, tool: string, args: string[], asPostgres: boolean): void {
  const [cmd, argv] = asPostgres ? ['runuser', ['-u', 'postgres', '--', join(bin, tool), ...args]] : [join(bin, tool), args];
  const done = spawnSync(cmd, argv, { encoding: 'utf8', timeout: 60_000 });
  if (done.status !== 0) throw new Error(`${tool} failed (${done.error?.message ?? `exit ${done.status}`}):\n${done.stdout}\n${done.stderr}`);
}

const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });

/** A cluster in a new temporary folder, on a free port of 127.0.0.1, with trust authentication: for tests only. */
async function startCluster(): Promise<{ url: string; stop: () => void }> {
  const bin = findPgBin();
  const asPostgres = userInfo().uid === 0;
  const dir = mkdtempSync(join(tmpdir(), 'pg-test-'));
  const stop = () => {
    if (existsSync(join(dir, 'data', 'postmaster.pid'))) {
      try {
        run(bin, 'pg_ctl', ['-D', join(dir, 'data'), '-m', 'immediate', '-w', 'stop'], asPostgres);
      } catch {
        // Already gone; the folder goes all the same.
      }
    }
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    if (asPostgres) chownSync(dir, ...postgresIds());
    const data = join(dir, 'data');
    run(bin, 'initdb', ['-D', data, '-A', 'trust', '-U', 'postgres', '--no-sync', '-E', 'UTF8', '--locale=C'], asPostgres);
    const port = await freePort();
    // Durability is not what these tests are about: no fsync makes each test's CREATE DATABASE quick.
    const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300`;
    run(bin, 'pg_ctl', ['-D', data, '-w', '-t', '60', '-l', join(dir, 'server.log'), '-o', options, 'start'], asPostgres);
    return { url: `postgres://postgres@127.0.0.1:${port}/postgres`, stop };
  } catch (err) {
    stop();
    throw err;
  }
}

function postgresIds(): [number, number] {
  const id = (flag: string) => spawnSync('id', [flag, 'postgres'], { encoding: 'utf8' });
  const [uid, gid] = [id('-u'), id('-g')];
  if (uid.status !== 0 || gid.status !== 0) throw new PostgresNotFound(`Running as root, Postgres must run as the user postgres, and there is none.\n${HOW_TO_GET_ONE}`);
  return [Number(uid.stdout.trim()), Number(gid.stdout.trim())];
}

/** The same server, another database: the path of the URL replaced, its parameters kept. */
export function databaseUrl(serverUrl: string, database: string): string {
  return serverUrl.replace(/^(postgres(?:ql)?:\/\/[^/?#]*)(\/[^?#]*)?/, `$1/${database}`);
}

export default async function setup(project: TestProject) {
  const given = process.env.TEST_DATABASE_URL?.trim();
  const cluster = given ? { url: given, stop: () => undefined } : await startCluster();
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
