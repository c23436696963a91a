import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase, type Db } from './database';
import { listAudit } from './audit';
import { LOCKOUT_FAILURES, LOCKOUT_WINDOW_MS } from '../../auth/lockout';
import { beginAttempt, finishAttempt, lockedOutOperators, unlockOperator } from './sign-ins';
import { addOperator } from '../../../test-support/operators';
import { signIn } from '../../use-cases/sign-in-check';
import { createSqliteStore } from './store';

const SECRET = 'x'.repeat(40);
const PASSWORD = 'correct-horse-battery';
const ADMIN = { operator: 'root', clientIp: '10.0.0.9' };
let dir: string;
let db: Db;
beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'unlock-test-'));
  db = openDatabase(join(dir, 'console.db'));
  await addOperator(createSqliteStore(db), { username: 'alice', password: PASSWORD, role: 'operator' });
});
afterEach(() => {
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

async function fail(times: number, nowMs: number, username = 'alice') {
  for (let i = 0; i < times; i++) await signIn(createSqliteStore(db), { username, password: `wrong-${i}`, clientIp: null }, { secret: SECRET, nowMs: nowMs + i });
}

describe('lockedOutOperators', () => {
  it('lists an operator from the lockout limit on, spelled as stored, until the window passes', async () => {
    const t = 1_000_000;
    await fail(LOCKOUT_FAILURES - 1, t, 'ALICE');
    expect(lockedOutOperators(db, t + 10)).toEqual(new Set());
    await fail(1, t + 10, 'Alice');
    expect(lockedOutOperators(db, t + 20)).toEqual(new Set(['alice']));
    expect(lockedOutOperators(db, t + LOCKOUT_WINDOW_MS + 1)).toEqual(new Set());
  });

  it('leaves out usernames that are not operators', async () => {
    await fail(LOCKOUT_FAILURES, 1_000_000, 'nobody');
    expect(lockedOutOperators(db, 1_000_100)).toEqual(new Set());
  });
});

describe('unlockOperator', () => {
  it('lock, unlock, sign in again: the failures stay in the audit log and the unlock is audited', async () => {
    const t = 2_000_000;
    await fail(LOCKOUT_FAILURES, t);
    const locked = await signIn(createSqliteStore(db), { username: 'alice', password: PASSWORD, clientIp: null }, { secret: SECRET, nowMs: t + 100 });
    expect(locked).toMatchObject({ ok: false, code: 'auth.lockedOut' });

    expect(unlockOperator(db, 'ALICE', ADMIN, t + 200)).toMatchObject({ ok: true, operator: { username: 'alice' }, cleared: LOCKOUT_FAILURES });
    expect(lockedOutOperators(db, t + 200)).toEqual(new Set());
    expect(listAudit(db, { action: 'operator-unlocked', limit: 5 })).toEqual([
      expect.objectContaining({ operator: 'root', clientIp: '10.0.0.9', detail: { username: 'alice', cleared: LOCKOUT_FAILURES } }),
    ]);
    expect(listAudit(db, { action: 'sign-in-failed', limit: 10 })).toHaveLength(LOCKOUT_FAILURES);

    const again = await signIn(createSqliteStore(db), { username: 'alice', password: PASSWORD, clientIp: null }, { secret: SECRET, nowMs: t + 300 });
    expect(again.ok).toBe(true);
  });

  it('gives a fresh allowance, not an open door: the next failures lock again', async () => {
    const t = 3_000_000;
    await fail(LOCKOUT_FAILURES, t);
    unlockOperator(db, 'alice', ADMIN, t + 100);
    await fail(LOCKOUT_FAILURES, t + 200);
    expect(lockedOutOperators(db, t + 300)).toEqual(new Set(['alice']));
  });

  it('keeps an attempt cleared while it was being verified cleared', async () => {
    const t = 4_000_000;
    await fail(LOCKOUT_FAILURES - 1, t);
    const inFlight = beginAttempt(db, { username: 'alice', clientIp: null }, t + 10)!;
    unlockOperator(db, 'alice', ADMIN, t + 20);
    finishAttempt(db, inFlight, 'failed');
    expect(db.prepare('SELECT state FROM sign_in_attempts WHERE id = ?').pluck().get(inFlight)).toBe('cleared');
  });

  it('does nothing and audits nothing for an operator who is not locked out, and refuses unknown names', () => {
    expect(unlockOperator(db, 'alice', ADMIN)).toMatchObject({ ok: true, cleared: 0 });
    expect(listAudit(db, { action: 'operator-unlocked', limit: 5 })).toHaveLength(0);
    expect(unlockOperator(db, 'nobody', ADMIN)).toEqual({ ok: false, code: 'operators.notFound', username: 'nobody' });
  });
});
