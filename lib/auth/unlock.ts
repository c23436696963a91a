import 'server-only';
import type { Db } from '../store/sqlite/database';
import { audit } from './audit';
import { clearAttempts } from './attempts';
import { findOperator, getOperator, type Operator, type OperatorRefusal } from './operators';

export type UnlockResult = { ok: true; operator: Operator; cleared: number } | ({ ok: false } & OperatorRefusal);

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
