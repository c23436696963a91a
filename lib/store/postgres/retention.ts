import 'server-only';
import type pg from 'pg';
import { LOCKOUT_WINDOW_MS } from '../../auth/lockout';
import type { Purged, RetentionLimits } from '../../auth/types';
import { audit } from './audit';
import { changed, tx } from './database';
import { purgeKeys } from './idempotency';
import { IDEMPOTENCY_TTL_MS } from '../../tokens/idempotency';

/**
 * Deletes what no rule reads any more: sessions past their idle or absolute limit, audit rows past
 * AUDIT_RETENTION_DAYS, sign-in attempts older than the lockout window, and Idempotency-Key
 * answers past their day. The purge audits
 * itself in the same transaction, and only when it deleted something. Two processes purging at
 * once each audit only the rows their own DELETE removed.
 */
export async function purgeExpired(pool: pg.Pool, limits: RetentionLimits, nowMs: number): Promise<Purged> {
  return tx(pool, async (db) => {
    const purged = {
      sessions: changed(await db.query('DELETE FROM sessions WHERE last_seen_ms < $1 OR created_ms < $2', [nowMs - limits.idleMs, nowMs - limits.maxAgeMs])),
      audit: changed(await db.query('DELETE FROM audit_log WHERE at_ms < $1', [nowMs - limits.auditRetentionMs])),
      attempts: changed(await db.query('DELETE FROM sign_in_attempts WHERE at_ms < $1', [nowMs - LOCKOUT_WINDOW_MS])),
    };
    // Answers kept for Idempotency-Keys: nothing anyone reads back after a day, so not worth a count.
    await purgeKeys(db, nowMs - IDEMPOTENCY_TTL_MS);
    if (purged.sessions + purged.audit + purged.attempts > 0) {
      await audit(db, { action: 'purge', operator: null, clientIp: null, detail: { ...purged } }, nowMs);
    }
    return purged;
  });
}
