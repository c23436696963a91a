import 'server-only';
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { statement, type Db } from '../store/sqlite/database';

/**
 * One writer per SQLite file: only the process holding this lease may send. It renews every
 * HEARTBEAT_MS; another process takes over once LEASE_TTL_MS passed without a renewal, or at once
 * when the holder was a process on this host that no longer exists (a SIGKILL, a crash).
 */
export const LEASE_TTL_MS = 20_000;
export const HEARTBEAT_MS = 5_000;

export interface LeaseHolder {
  holder: string;
  pid: number;
  host: string;
  acquiredAt: string;
  expiresMs: number;
}

export interface LeaseIdentity {
  id: string;
  pid: number;
  host: string;
}

export const thisProcess = (): LeaseIdentity => ({ id: randomUUID(), pid: process.pid, host: hostname() });

/** Signal 0 tests for existence without touching the process; EPERM means it exists but is not ours. */
export function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

interface LeaseRow {
  holder: string;
  pid: number;
  host: string;
  acquired_at: string;
  expires_ms: number;
}

const toHolder = (r: LeaseRow): LeaseHolder => ({ holder: r.holder, pid: r.pid, host: r.host, acquiredAt: r.acquired_at, expiresMs: r.expires_ms });

export type LeaseAttempt = { ok: true } | { ok: false; holder: LeaseHolder };

export interface LeaseOptions {
  nowMs?: number;
  ttlMs?: number;
  isAlive?: (pid: number) => boolean;
}

/**
 * Takes or renews the lease in one IMMEDIATE transaction, so two processes deciding at once are
 * serialised by SQLite's write lock and exactly one of them wins.
 */
export function acquireLease(db: Db, me: LeaseIdentity, opts: LeaseOptions = {}): LeaseAttempt {
  const nowMs = opts.nowMs ?? Date.now();
  const ttlMs = opts.ttlMs ?? LEASE_TTL_MS;
  const isAlive = opts.isAlive ?? pidAlive;
  return db.transaction((): LeaseAttempt => {
    const row = statement(db, 'SELECT holder, pid, host, acquired_at, expires_ms FROM worker_lease WHERE id = 1').get() as LeaseRow | undefined;
    const mine = row?.holder === me.id;
    // Same host and same pid but another holder id is an earlier life of this very process slot.
    const holderGone = row !== undefined && row.host === me.host && (row.pid === me.pid || !isAlive(row.pid));
    if (row && !mine && row.expires_ms > nowMs && !holderGone) return { ok: false, holder: toHolder(row) };
    statement(
      db,
      `INSERT INTO worker_lease (id, holder, pid, host, acquired_at, expires_ms) VALUES (1, ?, ?, ?, ?, ?)
       ON CONFLICT (id) DO UPDATE SET holder = excluded.holder, pid = excluded.pid, host = excluded.host,
         acquired_at = CASE WHEN worker_lease.holder = excluded.holder THEN worker_lease.acquired_at ELSE excluded.acquired_at END,
         expires_ms = excluded.expires_ms`,
    ).run(me.id, me.pid, me.host, new Date(nowMs).toISOString(), nowMs + ttlMs);
    return { ok: true };
  }).immediate();
}
