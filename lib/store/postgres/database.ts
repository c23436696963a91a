import 'server-only';
import { readFileSync } from 'node:fs';
import pg from 'pg';
import type { ConnectionOptions } from 'node:tls';
import type { PostgresConfig } from '../../database-url';
import { LEASE_TTL_MS } from '../../lease/lease';
import { log } from '../../log';

/** A pool, or one of its connections inside a transaction: anything a statement can be sent to. */
export type Db = pg.Pool | pg.PoolClient;

/**
 * bigint columns hold counts and epoch milliseconds, all far below 2^53: read them as numbers
 * rather than pg's default strings. Set per pool, so no other pg user in the process is affected.
 */
const types: pg.CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: string) =>
    oid === pg.types.builtins.INT8 ? (v: string) => Number(v) : pg.types.getTypeParser(oid, format as 'text')) as pg.CustomTypesConfig['getTypeParser'],
};

/** libpq's sslmode, as far as Node's TLS can honour it; `disable` sends in clear. */
function tlsOptions(ssl: PostgresConfig['ssl']): false | ConnectionOptions {
  if (ssl.mode === 'disable') return false;
  const ca = ssl.rootCertPath === null ? undefined : readFileSync(ssl.rootCertPath, 'utf8');
  if (ssl.mode === 'require') return ca === undefined ? { rejectUnauthorized: false } : { ca, checkServerIdentity: () => undefined };
  if (ssl.mode === 'verify-ca') return { ca, checkServerIdentity: () => undefined };
  return { ca };
}

/**
 * A transaction left open by a process that stopped answering (frozen, or cut off by the network)
 * is ended by the server after this long idle, and its locks with it. Otherwise they would last
 * until the server noticed the connection was gone: for a pulled cable, TCP's keepalive, two hours
 * by default. Half the lease, so the process that takes an app over finds its runs' rows free.
 * This store's transactions send their statements back to back and wait on nothing else.
 */
export const IDLE_IN_TRANSACTION_MS = LEASE_TTL_MS / 2;

export function createPool(config: PostgresConfig): pg.Pool {
  const pool = new pg.Pool({
    connectionString: config.connectionString.reveal(),
    max: config.pool,
    ssl: tlsOptions(config.ssl),
    // Sent with each connection's start-up: every statement of this process, however it is issued.
    statement_timeout: config.statementTimeoutMs,
    idle_in_transaction_session_timeout: IDLE_IN_TRANSACTION_MS,
    application_name: 'tim-console',
    types,
  });
  // A pooled connection the server dropped (a restart, a failover) must not take the process down; the next query opens another.
  pool.on('error', (err) => log.warn('database.connection-lost', { error: err.message }));
  return pool;
}

/**
 * A connection taken from the pool for several statements. The server may end it between two of
 * them (the idle-in-transaction timeout after a freeze, a restart), and pg then emits 'error' on
 * it, which with no listener would end the process. Here the next statement fails instead, and
 * release destroys the connection rather than pooling it again.
 */
export async function checkOut(pool: pg.Pool): Promise<{ client: pg.PoolClient; release: (err?: Error) => void }> {
  const client = await pool.connect();
  let lost: Error | undefined;
  const onError = (err: Error) => (lost ??= err);
  client.on('error', onError);
  return {
    client,
    release: (err) => {
      client.off('error', onError);
      client.release(err ?? lost);
    },
  };
}

/**
 * Runs `fn` in one READ COMMITTED transaction on one connection. Each statement sees what was
 * committed when it began, so a count followed by a write is not atomic here: callers that need
 * that take an advisory lock first (lock below), or let a constraint decide.
 */
export async function tx<T>(pool: pg.Pool, fn: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const { client, release } = await checkOut(pool);
  let broken: Error | undefined;
  try {
    // Named, not left to the server's default: after waiting on another writer's unique key, the next statement must see that writer's row.
    await client.query('BEGIN ISOLATION LEVEL READ COMMITTED');
    const result = await fn(client);
    await client.query('COMMIT');
    return result;
  } catch (err) {
    await client.query('ROLLBACK').catch((rollbackError: Error) => (broken = rollbackError));
    throw err;
  } finally {
    release(broken);
  }
}

/**
 * Advisory locks this store takes, each in a class of its own so their keys never meet (the
 * two-int form: class, key). Held to the end of the transaction.
 */
const LOCK_CLASS = {
  migrate: 0x54_49_4d_01,
  uploadBegin: 0x54_49_4d_02,
  signInUsername: 0x54_49_4d_03,
  signInAddress: 0x54_49_4d_04,
  auditCount: 0x54_49_4d_05,
} as const;

/**
 * Waits for the lock of `what` (and `key`, hashed: two keys that collide only wait for each
 * other). Its own statement, before the statements it guards: under READ COMMITTED a statement's
 * snapshot is taken when it starts, so a count in the same statement as the lock would not see
 * what the previous holder committed.
 */
export async function lock(client: pg.PoolClient, what: keyof typeof LOCK_CLASS, key?: string, opts: { anyCase?: boolean } = {}): Promise<void> {
  // anyCase: keys equal under the database's lower(), as the statements it guards compare them, share one lock.
  await client.query(`SELECT pg_advisory_xact_lock($1, hashtext(${opts.anyCase ? 'lower($2)' : '$2'}))`, [LOCK_CLASS[what], key ?? '']);
}

/** A statement's affected rows; pg answers null for statements that report none. */
export const changed = (r: pg.QueryResult) => r.rowCount ?? 0;
