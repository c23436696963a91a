import 'server-only';
import { LEASE_TTL_MS, pidAlive, type LeaseAttempt, type LeaseHolder, type LeaseIdentity, type LeaseOptions } from '../../lease/lease';
import { statement, type Db } from './database';

interface LeaseRow {
  holder: string;
  pid: number;
  host: string;
  acquired_at: string;
  expires_ms: number;
}

const toHolder = (r: LeaseRow): LeaseHolder => ({ holder: r.holder, pid: r.pid, host: r.host, acquiredAt: r.acquired_at, expiresMs: r.expires_ms });

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
