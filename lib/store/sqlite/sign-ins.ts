import 'server-only';
import { LOCKOUT_FAILURES, LOCKOUT_WINDOW_MS } from '../../auth/lockout';
import type { UnlockResult } from '../../auth/types';
import { audit } from './audit';
import { statement, type Db } from './database';
import { findOperator, getOperator } from './operators';

/**
 * Checks the lockout and records this attempt as in flight in one statement: the attempt is
 * inserted only while fewer than LOCKOUT_FAILURES attempts for the username, and fewer from the
 * address, are pending or failed in the window. No other write lands between the count and the
 * insert, in this process or another one on the same file. Returns the attempt's id, or null when
 * the username or the address is locked out.
 */
export function beginAttempt(db: Db, by: { username: string; clientIp: string | null }, nowMs: number): number | null {
  const since = nowMs - LOCKOUT_WINDOW_MS;
  // `client_ip = NULL` matches nothing: an unknown address is not one shared lockout key.
  const begun = statement(
    db,
    `INSERT INTO sign_in_attempts (username, client_ip, at_ms, state)
     SELECT ?, ?, ?, 'pending'
     WHERE (SELECT COUNT(*) FROM sign_in_attempts WHERE username = ? AND at_ms >= ? AND state IN ('pending', 'failed')) < ?
       AND (SELECT COUNT(*) FROM sign_in_attempts WHERE client_ip = ? AND at_ms >= ? AND state IN ('pending', 'failed')) < ?`,
  ).run(by.username, by.clientIp, nowMs, by.username, since, LOCKOUT_FAILURES, by.clientIp, since, LOCKOUT_FAILURES);
  return begun.changes === 1 ? Number(begun.lastInsertRowid) : null;
}

/** An attempt cleared by an unlock while it was being verified stays cleared. */
export function finishAttempt(db: Db, id: number, outcome: 'failed' | 'ok'): void {
  statement(db, "UPDATE sign_in_attempts SET state = ? WHERE id = ? AND state = 'pending'").run(outcome, id);
}

/** Operators whose username is locked out at `nowMs`, spelled as in the operators table. */
export function lockedOutOperators(db: Db, nowMs = Date.now()): Set<string> {
  const names = statement(
    db,
    `SELECT o.username FROM operators o
     WHERE (SELECT COUNT(*) FROM sign_in_attempts a WHERE a.username = o.username AND a.at_ms >= ? AND a.state IN ('pending', 'failed')) >= ?`,
  )
    .pluck()
    .all(nowMs - LOCKOUT_WINDOW_MS, LOCKOUT_FAILURES) as string[];
  return new Set(names);
}

/** Stops counting the username's attempts in the window; returns how many. */
export function clearAttempts(db: Db, username: string, nowMs: number): number {
  return statement(db, "UPDATE sign_in_attempts SET state = 'cleared' WHERE username = ? AND at_ms >= ? AND state IN ('pending', 'failed')").run(
    username,
    nowMs - LOCKOUT_WINDOW_MS,
  ).changes;
}

/**
 * Lifts an operator's username lockout before its window passes. The sign-ins stay in the audit
 * log; they only stop counting. Audited only when something was locked.
 */
export function unlockOperator(db: Db, username: string, by: { operator: string; clientIp: string | null }, nowMs = Date.now()): UnlockResult {
  const op = findOperator(db, username);
  if (!op) return { ok: false, code: 'operators.notFound', username };
  const cleared = db
    .transaction(() => {
      const n = clearAttempts(db, op.username, nowMs);
      if (n > 0) audit(db, { ...by, action: 'operator-unlocked', detail: { username: op.username, cleared: n } }, nowMs);
      return n;
    })
    .immediate();
  return { ok: true, operator: getOperator(db, op.id)!, cleared };
}
