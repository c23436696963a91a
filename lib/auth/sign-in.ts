import 'server-only';
import type { Store } from '../store/store';
import type { Operator } from './operators';
import { decoyHash, verifyPassword } from './passwords';

export type SignInRefusal = 'auth.lockedOut' | 'auth.badCredentials';

export type SignInResult = { ok: true; cookie: string; operator: Operator } | { ok: false; code: SignInRefusal };

export async function signIn(
  store: Store,
  input: { username: string; password: string; clientIp: string | null },
  opts: { secret: string; nowMs?: number },
): Promise<SignInResult> {
  const nowMs = opts.nowMs ?? Date.now();
  const { username, clientIp } = input;
  // Counted before the first slow step: concurrent attempts cannot all pass the check together.
  const attempt = await store.signIns.begin({ username, clientIp }, nowMs);
  if (attempt === null) {
    await store.audit.record({ action: 'sign-in-refused', operator: username, clientIp, detail: { reason: 'locked-out' } }, nowMs);
    return { ok: false, code: 'auth.lockedOut' };
  }

  const operator = await store.operators.find(username);
  // Verify against a decoy for unknown names, so response time does not reveal which names exist.
  const passwordOk = await verifyPassword(operator?.passwordHash ?? (await decoyHash()), input.password);
  if (!operator || !passwordOk || operator.disabled) {
    await store.signIns.fail(attempt, { action: 'sign-in-failed', operator: username, clientIp, detail: { reason: operator?.disabled && passwordOk ? 'disabled' : 'credentials' } }, nowMs);
    return { ok: false, code: 'auth.badCredentials' };
  }
  const cookie = await store.signIns.succeed(attempt, operator.id, { action: 'sign-in', operator: operator.username, clientIp }, { secret: opts.secret, nowMs });
  const { passwordHash: _hash, ...withoutHash } = operator;
  void _hash;
  return { ok: true, cookie, operator: withoutHash };
}
