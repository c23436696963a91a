import 'server-only';
import { LEASE_TTL_MS, pidAlive, type LeaseAttempt, type LeaseHolder, type LeaseIdentity, type LeaseOptions } from '../../lease/lease';
import { changed, type Db } from './database';

interface LeaseRow {
  holder: string;
  pid: number;
  host: string;
  acquired_at: Date;
  expires_ms: number;
}

const toHolder = (r: LeaseRow): LeaseHolder => ({ holder: r.holder, pid: r.pid, host: r.host, acquiredAt: r.acquired_at.toISOString(), expiresMs: r.expires_ms });

const current = async (db: Db) => (await db.query<LeaseRow>('SELECT holder, pid, host, acquired_at, expires_ms FROM worker_lease WHERE id = 1')).rows[0];

/**
 * Takes or renews the lease by one conditional upsert, as the SQLite store does. Under READ
 * COMMITTED, INSERT … ON CONFLICT DO UPDATE locks the row it conflicts with and checks its WHERE
 * on the row as the last writer left it, so of two processes asking at once the second sees the
 * first's lease and writes nothing.
 */
export async function acquireLease(db: Db, me: LeaseIdentity, opts: LeaseOptions = {}): Promise<LeaseAttempt> {
  const nowMs = opts.nowMs ?? Date.now();
  const ttlMs = opts.ttlMs ?? LEASE_TTL_MS;
  const isAlive = opts.isAlive ?? pidAlive;
  const seen = await current(db);
  const gone = seen !== undefined && seen.holder !== me.id && seen.host === me.host && (seen.pid === me.pid || !isAlive(seen.pid)) ? seen.holder : null;
  const taken = await db.query(
    `INSERT INTO worker_lease (id, holder, pid, host, acquired_at, expires_ms) VALUES (1, $1, $2, $3, to_timestamp($4 / 1000.0), $5)
     ON CONFLICT (id) DO UPDATE SET holder = excluded.holder, pid = excluded.pid, host = excluded.host,
       acquired_at = CASE WHEN worker_lease.holder = excluded.holder THEN worker_lease.acquired_at ELSE excluded.acquired_at END,
       expires_ms = excluded.expires_ms
     WHERE worker_lease.holder = excluded.holder OR worker_lease.expires_ms <= $4 OR worker_lease.holder = $6`,
    [me.id, me.pid, me.host, nowMs, nowMs + ttlMs, gone],
  );
  if (changed(taken) === 1) return { ok: true };
  return { ok: false, holder: toHolder((await current(db))!) };
}
