import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase, type Db } from './database';
import { listAudit } from './audit';
import { addOperator } from '../../../test-support/operators';
import { hashNewPassword } from '../../auth/operators';
import { setDisabled, setPasswordHash } from './operators';
import { createSession, resolveSession } from './sessions';
import { sessionLimits } from '../../auth/sessions';
import { LOCKOUT_FAILURES, LOCKOUT_WINDOW_MS } from '../../auth/lockout';
import { signIn } from '../../use-cases/sign-in-check';
import { createSqliteStore } from './store';
import { unsealToken } from '../../auth/cookie';

const SECRET = 'x'.repeat(40);
let dir: string;
let db: Db;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'auth-test-'));
  db = openDatabase(join(dir, 'console.db'));
});
afterEach(() => {
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

const PASSWORD = 'correct-horse-battery';

describe('operators and passwords', () => {
  it('stores an argon2id hash, never the password', async () => {
    const r = await addOperator(createSqliteStore(db), { username: 'alice', password: PASSWORD, role: 'operator' });
    expect(r.ok).toBe(true);
    const stored = db.prepare('SELECT password_hash FROM operators').pluck().get() as string;
    expect(stored).toMatch(/^\$argon2id\$/);
    expect(stored).not.toContain(PASSWORD);
    expect((await addOperator(createSqliteStore(db), { username: 'ALICE', password: PASSWORD, role: 'viewer' })).ok).toBe(false);
    expect((await addOperator(createSqliteStore(db), { username: 'bob', password: 'short', role: 'viewer' })).ok).toBe(false);
  });
});

describe('sessions', () => {
  it('resolves a signed cookie, rejects a tampered one, and ends after the idle timeout', async () => {
    const op = await addOperator(createSqliteStore(db), { username: 'alice', password: PASSWORD, role: 'operator' });
    if (!op.ok) throw new Error(op.code);
    const cookie = createSession(db, op.operator.id, SECRET, 1_000_000);
    const opts = { secret: SECRET, idleMs: 60_000, maxAgeMs: 3_600_000 };
    expect(resolveSession(db, cookie, { ...opts, nowMs: 1_030_000 })?.username).toBe('alice');
    expect(resolveSession(db, `${cookie}x`, { ...opts, nowMs: 1_030_000 })).toBeNull();
    expect(resolveSession(db, cookie, { ...opts, secret: 'y'.repeat(40), nowMs: 1_030_000 })).toBeNull();
    expect(unsealToken('no-dot', SECRET)).toBeNull();
    // Still active 59 s after the last use (the use at 1_030_000 did not refresh: under a minute).
    expect(resolveSession(db, cookie, { ...opts, nowMs: 1_059_000 })).not.toBeNull();
    expect(resolveSession(db, cookie, { ...opts, nowMs: 1_200_000 })).toBeNull();
    expect(resolveSession(db, cookie, { ...opts, nowMs: 1_200_001 })).toBeNull();
  });

  it('ends a session SESSION_MAX_HOURS after sign-in, however recently it was used', async () => {
    const op = await addOperator(createSqliteStore(db), { username: 'alice', password: PASSWORD, role: 'operator' });
    if (!op.ok) throw new Error(op.code);
    const opts = { secret: SECRET, ...sessionLimits({ sessionIdleMinutes: 30, sessionMaxHours: 2 }) };
    const start = 1_000_000;
    const cookie = createSession(db, op.operator.id, SECRET, start);
    // A request every 20 minutes keeps it from going idle...
    for (let t = start; t <= start + 2 * 3_600_000; t += 20 * 60_000) expect(resolveSession(db, cookie, { ...opts, nowMs: t }), `at ${t}`).not.toBeNull();
    // ...but not past two hours from sign-in, and the ended session is gone.
    expect(resolveSession(db, cookie, { ...opts, nowMs: start + 2 * 3_600_000 + 1 })).toBeNull();
    expect(db.prepare('SELECT COUNT(*) FROM sessions').pluck().get()).toBe(0);
  });

  it('ends sessions when the operator is disabled or the password reset', async () => {
    const op = await addOperator(createSqliteStore(db), { username: 'alice', password: PASSWORD, role: 'operator' });
    if (!op.ok) throw new Error(op.code);
    const opts = { secret: SECRET, idleMs: 3_600_000, maxAgeMs: 3_600_000 };
    const first = createSession(db, op.operator.id, SECRET);
    setDisabled(db, 'alice', true);
    expect(resolveSession(db, first, opts)).toBeNull();
    setDisabled(db, 'alice', false);
    const second = createSession(db, op.operator.id, SECRET);
    const hashed = await hashNewPassword('another-long-password');
    if (!hashed.ok) throw new Error('password refused');
    setPasswordHash(db, 'alice', hashed.passwordHash);
    expect(resolveSession(db, second, opts)).toBeNull();
  });
});

describe('signIn', () => {
  it('signs in with the right password and audits it', async () => {
    await addOperator(createSqliteStore(db), { username: 'alice', password: PASSWORD, role: 'admin' });
    const r = await signIn(createSqliteStore(db), { username: 'alice', password: PASSWORD, clientIp: '10.0.0.1' }, { secret: SECRET });
    expect(r.ok).toBe(true);
    expect(listAudit(db, { limit: 5 })[0]).toMatchObject({ action: 'sign-in', operator: 'alice', clientIp: '10.0.0.1' });
  });

  it(`locks a username out after ${LOCKOUT_FAILURES} failures in 15 minutes, even with the right password`, async () => {
    await addOperator(createSqliteStore(db), { username: 'alice', password: PASSWORD, role: 'admin' });
    let now = 5_000_000;
    for (let i = 0; i < LOCKOUT_FAILURES; i++) {
      const r = await signIn(createSqliteStore(db), { username: 'alice', password: 'wrong', clientIp: `10.0.0.${i}` }, { secret: SECRET, nowMs: now++ });
      expect(r).toMatchObject({ ok: false, code: 'auth.badCredentials' });
    }
    const locked = await signIn(createSqliteStore(db), { username: 'alice', password: PASSWORD, clientIp: '10.9.9.9' }, { secret: SECRET, nowMs: now });
    expect(locked).toMatchObject({ ok: false, code: 'auth.lockedOut' });
    expect(listAudit(db, { action: 'sign-in-refused', limit: 5 })).toHaveLength(1);

    const later = await signIn(createSqliteStore(db), { username: 'alice', password: PASSWORD, clientIp: '10.9.9.9' }, { secret: SECRET, nowMs: now + LOCKOUT_WINDOW_MS });
    expect(later.ok).toBe(true);
  });

  it('locks an address out after failures across usernames, and audits unknown names', async () => {
    await addOperator(createSqliteStore(db), { username: 'alice', password: PASSWORD, role: 'admin' });
    const nowMs = 6_000_000;
    for (let i = 0; i < LOCKOUT_FAILURES; i++) {
      await signIn(createSqliteStore(db), { username: `guess${i}`, password: 'x', clientIp: '192.0.2.7' }, { secret: SECRET, nowMs: nowMs + i });
    }
    const r = await signIn(createSqliteStore(db), { username: 'alice', password: PASSWORD, clientIp: '192.0.2.7' }, { secret: SECRET, nowMs: nowMs + 10 });
    expect(r.ok).toBe(false);
    expect(listAudit(db, { action: 'sign-in-unknown', limit: 10 })).toEqual([
      expect.objectContaining({ operator: null, clientIp: '192.0.2.7', detail: { reason: 'credentials', count: 5, names: 'guess0, guess1, guess2, guess3, guess4' } }),
    ]);
    expect(listAudit(db, { action: 'sign-in-refused', limit: 10 })).toEqual([expect.objectContaining({ operator: 'alice', detail: { reason: 'locked-out', count: 1 } })]);
  });

  it('refuses a disabled operator', async () => {
    await addOperator(createSqliteStore(db), { username: 'alice', password: PASSWORD, role: 'admin' });
    setDisabled(db, 'alice', true);
    expect((await signIn(createSqliteStore(db), { username: 'alice', password: PASSWORD, clientIp: null }, { secret: SECRET })).ok).toBe(false);
  });
});
