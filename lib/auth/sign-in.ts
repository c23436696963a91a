import 'server-only';
import type { Db } from '../db/database';
import { audit } from './audit';
import { beginAttempt, finishAttempt } from './attempts';
import { findOperator, type Operator } from './operators';
import { decoyHash, verifyPassword } from './passwords';
import { createSession } from './sessions';

export type SignInRefusal = 'auth.lockedOut' | 'auth.badCredentials';

export type SignInResult = { ok: true; cookie: string; operator: Operator } | { ok: false; code: SignInRefusal };

export async function signIn(
  db: Db,
  input: { username: string; password: string; clientIp: string | null },
  opts: { secret: string; nowMs?: number },
): Promise<SignInResult> {
  const nowMs = opts.nowMs ?? Date.now();
  const { username, clientIp } = input;
  // Counted before the first await: concurrent attempts cannot all pass the check together.
  const attempt = beginAttempt(db, { username, clientIp }, nowMs);
  if (attempt === null) {
    audit(db, { action: 'sign-in-refused', operator: username, clientIp, detail: 'too many failed sign-ins' }, nowMs);
    return { ok: false, code: 'auth.lockedOut' };
  }

  const operator = findOperator(db, username);
  // Verify against a decoy for unknown names, so response time does not reveal which names exist.
  const passwordOk = await verifyPassword(operator?.passwordHash ?? (await decoyHash()), input.password);
  if (!operator || !passwordOk || operator.disabled) {
    db.transaction(() => {
      finishAttempt(db, attempt, 'failed');
      audit(db, { action: 'sign-in-failed', operator: username, clientIp, detail: operator?.disabled && passwordOk ? 'operator disabled' : null }, nowMs);
    })();
    return { ok: false, code: 'auth.badCredentials' };
  }
  const cookie = db.transaction(() => {
    finishAttempt(db, attempt, 'ok');
    audit(db, { action: 'sign-in', operator: operator.username, clientIp }, nowMs);
    return createSession(db, operator.id, opts.secret, nowMs);
  })();
  return { ok: true, cookie, operator: { id: operator.id, username: operator.username, role: operator.role, disabled: false, createdAt: operator.createdAt, appId: operator.appId } };
}
