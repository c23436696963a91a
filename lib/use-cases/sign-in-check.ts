import 'server-only';
import type { Store } from '../store/store';
import { isKnownDevice, knownDeviceCookie } from '../auth/known-device';
import { createLane, type Lane, type LaneLimits } from '../auth/lanes';
import { decoyHash, verifyPassword } from '../auth/passwords';
import type { Operator } from '../auth/types';
import type { AuditInput } from '../audit/types';

export type SignInRefusal = 'auth.lockedOut' | 'auth.badCredentials' | 'auth.busy';

export type SignInResult = { ok: true; cookie: string; knownDevice: string; operator: Operator } | { ok: false; code: SignInRefusal };

/**
 * Password checks per process. argon2 runs on libuv's thread pool (4 threads unless
 * UV_THREADPOOL_SIZE says otherwise), which file reads, DNS and zlib share: with every thread
 * hashing and more checks queued, everything else waits behind them. One check at a time from
 * anyone keeps a flood to one core and one thread, and eight waiting (under a second's wait)
 * absorb a team signing in together. A browser known for the username has one check of its own.
 */
export const SIGN_IN_LANES: { anyone: LaneLimits; knownDevice: LaneLimits } = {
  anyone: { running: 1, waiting: 8 },
  knownDevice: { running: 1, waiting: 4 },
};

export interface SignInGuard {
  anyone: Lane;
  knownDevice: Lane;
  verify: (passwordHash: string, password: string) => Promise<boolean>;
}

export function createSignInGuard(opts: { lanes?: typeof SIGN_IN_LANES; verify?: SignInGuard['verify'] } = {}): SignInGuard {
  const lanes = opts.lanes ?? SIGN_IN_LANES;
  return { anyone: createLane(lanes.anyone), knownDevice: createLane(lanes.knownDevice), verify: opts.verify ?? verifyPassword };
}

// On globalThis: Next.js may load this module more than once, and the bound is per process.
const holder = globalThis as typeof globalThis & { __timConsoleSignInGuard?: SignInGuard };
const processGuard = () => (holder.__timConsoleSignInGuard ??= createSignInGuard());

export async function signIn(
  store: Store,
  input: { username: string; password: string; clientIp: string | null; knownDevice?: string },
  opts: { secret: string; nowMs?: number; guard?: SignInGuard },
): Promise<SignInResult> {
  const nowMs = opts.nowMs ?? Date.now();
  const guard = opts.guard ?? processGuard();
  const { username, clientIp } = input;
  // Chosen from what the client sent, never from whether the username exists: a refusal must not tell which names do.
  const place = (isKnownDevice(input.knownDevice, username, opts.secret, nowMs) ? guard.knownDevice : guard.anyone).enter();
  if (!place) {
    await store.audit.record(await refusal(store, input, 'busy'), nowMs);
    return { ok: false, code: 'auth.busy' };
  }
  try {
    // Counted before the first slow step: concurrent attempts cannot all pass the check together.
    const attempt = await store.signIns.begin({ username, clientIp }, nowMs);
    if (attempt === null) {
      place.leave();
      await store.audit.record(await refusal(store, input, 'locked-out'), nowMs);
      return { ok: false, code: 'auth.lockedOut' };
    }
    await place.turn;
    const operator = await store.operators.find(username);
    // Verify against a decoy for unknown names, so response time does not reveal which names exist.
    const passwordOk = await guard.verify(operator?.passwordHash ?? (await decoyHash()), input.password);
    place.leave();
    if (!operator) {
      await store.signIns.fail(attempt, unknownName(input, 'credentials'), nowMs);
      return { ok: false, code: 'auth.badCredentials' };
    }
    if (!passwordOk || operator.disabled) {
      await store.signIns.fail(attempt, { action: 'sign-in-failed', operator: username, clientIp, detail: { reason: operator.disabled && passwordOk ? 'disabled' : 'credentials' } }, nowMs);
      return { ok: false, code: 'auth.badCredentials' };
    }
    const cookie = await store.signIns.succeed(attempt, operator.id, { action: 'sign-in', operator: operator.username, clientIp }, { secret: opts.secret, nowMs });
    const { passwordHash: _hash, ...withoutHash } = operator;
    void _hash;
    return { ok: true, cookie, knownDevice: knownDeviceCookie(operator.username, opts.secret, nowMs), operator: withoutHash };
  } finally {
    place.leave();
  }
}

/**
 * Attempts at names that are no operator's are counted per minute, with a few of the names, so a
 * flood of made-up names is a row a minute. An operator's failed attempts keep a row each (the
 * lockout bounds them); refusals are counted per operator, as nothing bounds them.
 */
function unknownName(input: { username: string; clientIp: string | null }, reason: 'credentials' | 'locked-out' | 'busy'): AuditInput {
  return { action: 'sign-in-unknown', operator: null, clientIp: input.clientIp, detail: { reason }, counted: { name: input.username } };
}

async function refusal(store: Store, input: { username: string; clientIp: string | null }, reason: 'locked-out' | 'busy'): Promise<AuditInput> {
  const operator = await store.operators.find(input.username);
  if (!operator) return unknownName(input, reason);
  return { action: 'sign-in-refused', operator: operator.username, clientIp: input.clientIp, detail: { reason }, counted: {} };
}
