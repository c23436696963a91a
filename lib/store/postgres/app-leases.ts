import 'server-only';
import type pg from 'pg';
import type { AppFence, AppLease } from '../../lease/app-lease';
import { LeaseLost, type Fence } from '../../lease/fence';
import { LEASE_TTL_MS, pidAlive, type LeaseIdentity, type LeaseOptions } from '../../lease/lease';
import { changed, type Db } from './database';

interface AppLeaseRow {
  app_id: string;
  holder: string;
  pid: number;
  host: string;
  acquired_at: Date;
  expires_ms: number;
  fence: number;
}

const toLease = (r: AppLeaseRow): AppLease => ({
  appId: r.app_id,
  holder: r.holder,
  pid: r.pid,
  host: r.host,
  acquiredAt: r.acquired_at.toISOString(),
  expiresMs: r.expires_ms,
  token: r.fence,
});

/** A process row this long past its expiry is deleted: it only ever served to count the living. */
const FORGET_PROCESS_MS = 3_600_000;

/**
 * This process is alive until nowMs + ttl (or leaving, and then no longer counted); answers the
 * processes alive and not leaving, this one included unless it leaves.
 */
export async function beatProcess(db: Db, me: LeaseIdentity, opts: { nowMs: number; ttlMs?: number; leaving?: boolean }): Promise<LeaseIdentity[]> {
  const ttlMs = opts.ttlMs ?? LEASE_TTL_MS;
  await db.query(
    `INSERT INTO console_processes (id, pid, host, started_at, heartbeat_ms, expires_ms, leaving) VALUES ($1, $2, $3, to_timestamp($4 / 1000.0), $4, $5, $6)
     ON CONFLICT (id) DO UPDATE SET heartbeat_ms = excluded.heartbeat_ms, expires_ms = excluded.expires_ms, leaving = excluded.leaving`,
    [me.id, me.pid, me.host, opts.nowMs, opts.nowMs + ttlMs, opts.leaving ?? false],
  );
  await db.query('DELETE FROM console_processes WHERE expires_ms < $1', [opts.nowMs - FORGET_PROCESS_MS]);
  return (await db.query<LeaseIdentity>('SELECT id, pid, host FROM console_processes WHERE expires_ms > $1 AND NOT leaving ORDER BY id', [opts.nowMs])).rows;
}

export async function listAppLeases(db: Db): Promise<AppLease[]> {
  return (await db.query<AppLeaseRow>('SELECT * FROM app_leases ORDER BY app_id')).rows.map(toLease);
}

/**
 * Takes the app by one conditional upsert, as the database-wide lease is taken (lease.ts): it
 * writes only when the app is free, expired, already this process's, or held by the holder this
 * call saw gone (a process on this host whose pid no longer runs). Under READ COMMITTED the
 * conflicting row is locked and the WHERE checked on it as the last writer left it, so of several
 * processes asking at once exactly one wins. Every take raises the fence, even a retake by the
 * same process: a write still carrying the old token is from a pass of an earlier tenure.
 * In the caller's transaction: the row is first locked FOR UPDATE, which waits for the writes
 * that checked the old fence (FOR KEY SHARE, see checkFence) to commit.
 */
export async function takeAppLease(db: pg.PoolClient, me: LeaseIdentity, appId: string, opts: LeaseOptions = {}): Promise<AppFence | null> {
  const nowMs = opts.nowMs ?? Date.now();
  const ttlMs = opts.ttlMs ?? LEASE_TTL_MS;
  const isAlive = opts.isAlive ?? pidAlive;
  const seen = (await db.query<AppLeaseRow>('SELECT * FROM app_leases WHERE app_id = $1 FOR UPDATE', [appId])).rows[0];
  const gone = seen !== undefined && seen.holder !== me.id && seen.host === me.host && (seen.pid === me.pid || !isAlive(seen.pid)) ? seen.holder : null;
  const taken = await db.query<{ fence: number }>(
    `INSERT INTO app_leases (app_id, holder, pid, host, acquired_at, expires_ms, fence) VALUES ($1, $2, $3, $4, to_timestamp($5 / 1000.0), $6, 1)
     ON CONFLICT (app_id) DO UPDATE SET holder = excluded.holder, pid = excluded.pid, host = excluded.host, acquired_at = excluded.acquired_at,
       expires_ms = excluded.expires_ms, fence = app_leases.fence + 1
     WHERE app_leases.expires_ms <= $5 OR app_leases.holder = $2 OR app_leases.holder = $7
     RETURNING fence`,
    [appId, me.id, me.pid, me.host, nowMs, nowMs + ttlMs, gone],
  );
  const row = taken.rows[0];
  return row ? { scope: 'app', appId, holder: me.id, token: row.fence } : null;
}

/** Renews the leases still held at their tokens; answers those renewed. One taken over meanwhile is not: it is lost. */
export async function renewAppLeases(db: Db, fences: readonly AppFence[], opts: { nowMs: number; ttlMs?: number }): Promise<AppFence[]> {
  if (fences.length === 0) return [];
  const ttlMs = opts.ttlMs ?? LEASE_TTL_MS;
  const renewed = await db.query<{ app_id: string }>(
    `UPDATE app_leases l SET expires_ms = $4 FROM unnest($1::text[], $2::text[], $3::bigint[]) AS f(app_id, holder, fence)
     WHERE l.app_id = f.app_id AND l.holder = f.holder AND l.fence = f.fence RETURNING l.app_id`,
    [fences.map((f) => f.appId), fences.map((f) => f.holder), fences.map((f) => f.token), opts.nowMs + ttlMs],
  );
  const kept = new Set(renewed.rows.map((r) => r.app_id));
  return fences.filter((f) => kept.has(f.appId));
}

/** Lets the app go at once: it expires now, so any process may take it on its next look. */
export async function releaseAppLease(db: Db, fence: AppFence, nowMs: number): Promise<boolean> {
  const released = await db.query('UPDATE app_leases SET expires_ms = $4 WHERE app_id = $1 AND holder = $2 AND fence = $3 AND expires_ms > $4', [
    fence.appId,
    fence.holder,
    fence.token,
    nowMs,
  ]);
  return changed(released) === 1;
}

/**
 * The check every fenced write makes first, in its own transaction: the lease is still held at
 * this fence and not expired. The row stays locked until the write commits, so a takeover waits
 * for the write, and every write after the takeover sees the new fence and is refused. Throws
 * LeaseLost, so the transaction rolls back with nothing written.
 *
 * An app's row is locked FOR KEY SHARE, which a renewal (an UPDATE of expires_ms only, so FOR NO
 * KEY UPDATE) does not conflict with: with 32 lanes writing, some write nearly always holds the
 * row, and under FOR SHARE every renewal would wait for them, however late that made it. A
 * takeover does conflict: it locks the row FOR UPDATE first (takeAppLease), and so waits for the
 * writes that checked the old fence. The database-wide lease fences only in the store's tests
 * here, so it keeps a plain FOR SHARE.
 */
export async function checkFence(db: pg.PoolClient, fence: Fence, nowMs = Date.now()): Promise<void> {
  const held = fenceHeld(fence, nowMs, 1);
  if (changed(await db.query(held.sql, held.params)) === 0) throw new LeaseLost(fence);
}

/**
 * The same check as a query to put in a write's WITH, so that one statement checks and writes: its
 * placeholders are numbered from `from`. No fence (an unfenced write) is always held.
 */
export function fenceHeld(fence: Fence | null, nowMs: number, from: number): { sql: string; params: (string | number)[] } {
  if (fence === null) return { sql: 'SELECT 1', params: [] };
  const $ = (k: number) => `$${from + k}`;
  return fence.scope === 'app'
    ? {
        sql: `SELECT 1 FROM app_leases WHERE app_id = ${$(0)} AND holder = ${$(1)} AND fence = ${$(2)} AND expires_ms > ${$(3)} FOR KEY SHARE`,
        params: [fence.appId, fence.holder, fence.token, nowMs],
      }
    : { sql: `SELECT 1 FROM worker_lease WHERE id = 1 AND holder = ${$(0)} AND expires_ms > ${$(1)} FOR SHARE`, params: [fence.holder, nowMs] };
}
