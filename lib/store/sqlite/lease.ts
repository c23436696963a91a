import 'server-only';
import { LEASE_TTL_MS, pidAlive, type LeaseAttempt, type LeaseHolder, type LeaseIdentity, type LeaseOptions } from '../../lease/lease';
import { LeaseLost, type Fence } from '../../lease/fence';
import { fenceHeld } from './copy-sql';
import { statement, type Db } from './database';

interface LeaseRow {
  holder: string;
  pid: number;
  host: string;
  acquired_at: string;
  expires_ms: number;
}

const toHolder = (r: LeaseRow): LeaseHolder => ({ holder: r.holder, pid: r.pid, host: r.host, acquiredAt: r.acquired_at, expiresMs: r.expires_ms });

const current = (db: Db) => statement(db, 'SELECT holder, pid, host, acquired_at, expires_ms FROM worker_lease WHERE id = 1').get() as LeaseRow | undefined;

/**
 * Takes or renews the lease by one conditional upsert: it writes only when the lease is free,
 * already ours, expired, or held by the holder this call saw gone. The read before it only finds
 * that holder, a process on this host whose pid no longer runs (or an earlier life of this very
 * process slot: same host and pid, another id); a holder that changed since is not the one seen
 * gone. So of two processes deciding at once exactly one wins, on any database, with no lock held
 * between the read and the write.
 */
export function acquireLease(db: Db, me: LeaseIdentity, opts: LeaseOptions = {}): LeaseAttempt {
  const nowMs = opts.nowMs ?? Date.now();
  const ttlMs = opts.ttlMs ?? LEASE_TTL_MS;
  const isAlive = opts.isAlive ?? pidAlive;
  const seen = current(db);
  const gone = seen !== undefined && seen.holder !== me.id && seen.host === me.host && (seen.pid === me.pid || !isAlive(seen.pid)) ? seen.holder : null;
  const taken = statement(
    db,
    `INSERT INTO worker_lease (id, holder, pid, host, acquired_at, expires_ms) VALUES (1, ?, ?, ?, ?, ?)
     ON CONFLICT (id) DO UPDATE SET holder = excluded.holder, pid = excluded.pid, host = excluded.host,
       acquired_at = CASE WHEN worker_lease.holder = excluded.holder THEN worker_lease.acquired_at ELSE excluded.acquired_at END,
       expires_ms = excluded.expires_ms
     WHERE worker_lease.holder = excluded.holder OR worker_lease.expires_ms <= ? OR worker_lease.holder = ?`,
  ).run(me.id, me.pid, me.host, new Date(nowMs).toISOString(), nowMs + ttlMs, nowMs, gone).changes;
  if (taken === 1) return { ok: true };
  return { ok: false, holder: toHolder(current(db)!) };
}

/**
 * The check every fenced write makes first, in its own transaction: this database's lease is still
 * held by the fence's holder and not expired. SQLite's writes take turns, so nothing can take the
 * lease between the check and the write. An app's fence is never issued here (one writer sends
 * for every app), so it never passes.
 */
export function checkFence(db: Db, fence: Fence, nowMs = Date.now()): void {
  if (!fenceHeld(db, fence, nowMs)) throw new LeaseLost(fence);
}
