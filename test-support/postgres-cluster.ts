// A throwaway Postgres cluster from the machine's initdb and pg_ctl, for the Postgres tests
// (lib/store/postgres/test-cluster.ts) and the benchmark's Postgres mode: a new temporary folder,
// trust authentication, removed by stop().
import { spawnSync } from 'node:child_process';
import { createServer } from 'node:net';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { delimiter, join } from 'node:path';

export class PostgresNotFound extends Error {}

const HOW_TO_GET_ONE = [
  'The Postgres store tests and `BENCH_POSTGRES=1 npm run bench` need a PostgreSQL server, and none was found. Either:',
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

function postgresIds(): [number, number] {
  const id = (flag: string) => spawnSync('id', [flag, 'postgres'], { encoding: 'utf8' });
  const [uid, gid] = [id('-u'), id('-g')];
  if (uid.status !== 0 || gid.status !== 0) throw new PostgresNotFound(`Running as root, Postgres must run as the user postgres, and there is none.\n${HOW_TO_GET_ONE}`);
  return [Number(uid.stdout.trim()), Number(gid.stdout.trim())];
}

export interface Cluster {
  /** The postgres database of the cluster, as the superuser postgres. */
  url: string;
  /** A new empty database: its URL. */
  createDatabase(name: string): string;
  /** Stops the server at once and removes its folder; safe to call again. */
  stop(): void;
}

/** A cluster on 127.0.0.1:`port`, with trust authentication: for tests and the benchmark only. */
export function startCluster(port: number): Cluster {
  const bin = findPgBin();
  const asPostgres = userInfo().uid === 0;
  const dir = mkdtempSync(join(tmpdir(), 'pg-test-'));
  const data = join(dir, 'data');
  const stop = () => {
    if (existsSync(join(data, 'postmaster.pid'))) {
      try {
        run(bin, 'pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop'], asPostgres);
      } catch {
        // Already gone; the folder goes all the same.
      }
    }
    rmSync(dir, { recursive: true, force: true });
  };
  const url = (database: string) => `postgres://postgres@127.0.0.1:${port}/${database}`;
  try {
    if (asPostgres) chownSync(dir, ...postgresIds());
    run(bin, 'initdb', ['-D', data, '-A', 'trust', '-U', 'postgres', '--no-sync', '-E', 'UTF8', '--locale=C'], asPostgres);
    // Durability is not what the tests and the benchmark are about: no fsync makes each test's CREATE DATABASE quick.
    const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300`;
    run(bin, 'pg_ctl', ['-D', data, '-w', '-t', '60', '-l', join(dir, 'server.log'), '-o', options, 'start'], asPostgres);
  } catch (err) {
    stop();
    throw err;
  }
  return {
    url: url('postgres'),
    createDatabase: (name) => {
      run(bin, 'createdb', ['-h', '127.0.0.1', '-p', String(port), '-U', 'postgres', name], asPostgres);
      return url(name);
    },
    stop,
  };
}

/** A port nothing listens on now, from the system. */
export const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });

/** The same server, another database: the path of the URL replaced, its parameters kept. */
export function databaseUrl(serverUrl: string, database: string): string {
  return serverUrl.replace(/^(postgres(?:ql)?:\/\/[^/?#]*)(\/[^?#]*)?/, `$1/${database}`);
}

