import 'server-only';
import type { Config } from '../config';
import { statement, type Db } from '../store/sqlite/database';
import { LOCKOUT_WINDOW_MS } from './attempts';
import { audit } from './audit';
import { sessionLimits, type SessionLimits } from './sessions';

export interface RetentionLimits extends SessionLimits {
  auditRetentionMs: number;
}

export function retentionLimits(config: Pick<Config, 'sessionIdleMinutes' | 'sessionMaxHours' | 'auditRetentionDays'>): RetentionLimits {
  return { ...sessionLimits(config), auditRetentionMs: config.auditRetentionDays * 86_400_000 };
}

export interface Purged {
  sessions: number;
  audit: number;
  attempts: number;
}

/**
 * Deletes what no rule reads any more: sessions past their idle or absolute limit (the same
 * bounds as resolveSession), audit rows past AUDIT_RETENTION_DAYS, and sign-in attempts older than
 * the lockout window. The purge audits itself in the same transaction, and only when it deleted
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
      if (purged.sessions + purged.audit + purged.attempts > 0) {
        audit(db, { action: 'purge', operator: null, clientIp: null, detail: { sessions: purged.sessions, audit: purged.audit, attempts: purged.attempts } }, nowMs);
      }
      return purged;
    })
    .immediate();
}
