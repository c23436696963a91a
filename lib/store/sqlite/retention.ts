import 'server-only';
import { LOCKOUT_WINDOW_MS } from '../../auth/lockout';
import type { Purged, RetentionLimits } from '../../auth/types';
import { audit } from './audit';
import { statement, type Db } from './database';
import { purgeKeys } from './idempotency';
import { IDEMPOTENCY_TTL_MS } from '../../tokens/idempotency';

/**
 * Deletes what no rule reads any more: sessions past their idle or absolute limit (the same
 * bounds as resolveSession), audit rows past AUDIT_RETENTION_DAYS, and sign-in attempts older than
 * the lockout window, and Idempotency-Key answers past their day. The purge audits itself in the same transaction, and only when it deleted
 * something, so a quiet console's log does not fill with purges.
 */
export function purgeExpired(db: Db, limits: RetentionLimits, nowMs: number): Purged {
  return db
    .transaction((): Purged => {
      const purged = {
        sessions: statement(db, 'DELETE FROM sessions WHERE last_seen_ms < ? OR created_ms < ?').run(nowMs - limits.idleMs, nowMs - limits.maxAgeMs).changes,
        audit: statement(db, 'DELETE FROM audit_log WHERE at_ms < ?').run(nowMs - limits.auditRetentionMs).changes,
        attempts: statement(db, 'DELETE FROM sign_in_attempts WHERE at_ms < ?').run(nowMs - LOCKOUT_WINDOW_MS).changes,
      };
      // Answers kept for Idempotency-Keys: nothing anyone reads back after a day, so not worth a count.
      purgeKeys(db, nowMs - IDEMPOTENCY_TTL_MS);
      if (purged.sessions + purged.audit + purged.attempts > 0) {
        audit(db, { action: 'purge', operator: null, clientIp: null, detail: { sessions: purged.sessions, audit: purged.audit, attempts: purged.attempts } }, nowMs);
      }
      return purged;
    })
    .immediate();
}
