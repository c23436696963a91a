import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase, type Db } from './database';
import { listAudit } from './audit';
import { LOCKOUT_FAILURES, LOCKOUT_WINDOW_MS } from '../../auth/lockout';
import { beginAttempt } from './sign-ins';
import { addOperator } from '../../../test-support/operators';
import { verifyPassword } from '../../auth/passwords';
import { createSignInGuard, signIn } from '../../use-cases/sign-in-check';
import { createSqliteStore } from './store';

// The real argon2 verifier, counted: the lockout is about how many guesses get verified.
vi.mock('../../auth/passwords', async (importOriginal) => {
  const real = await importOriginal<typeof import('../../auth/passwords')>();
  return { ...real, verifyPassword: vi.fn(real.verifyPassword) };
});

const SECRET = 'x'.repeat(40);
// Lanes wide enough for every attempt: these tests are about the lockout, which holds however many are checked at once.
const wide = () => createSignInGuard({ lanes: { anyone: { running: 64, waiting: 0 }, knownDevice: { running: 1, waiting: 0 } } });
const PASSWORD = 'correct-horse-battery';
let dir: string;
let db: Db;
beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'sign-in-test-'));
  db = openDatabase(join(dir, 'console.db'));
  await addOperator(createSqliteStore(db), { username: 'alice', password: PASSWORD, role: 'admin' });
  vi.mocked(verifyPassword).mockClear();
});
afterEach(() => {
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

const attemptStates = (d: Db) =>
  Object.fromEntries(d.prepare('SELECT state, COUNT(*) AS n FROM sign_in_attempts GROUP BY state').all().map((r) => [(r as { state: string }).state, (r as { n: number }).n]));

describe('signIn under concurrency', () => {
  it('verifies at most the lockout limit when 41 attempts arrive together after one failure', async () => {
    const nowMs = 5_000_000;
    const guard = wide();
    await signIn(createSqliteStore(db), { username: 'alice', password: 'wrong-guess', clientIp: '10.0.0.1' }, { secret: SECRET, nowMs, guard });
    const RIGHT_AT = 10;
    const results = await Promise.all(
      Array.from({ length: 41 }, (_, i) =>
        signIn(createSqliteStore(db), { username: 'alice', password: i === RIGHT_AT ? PASSWORD : `wrong-guess-${i}`, clientIp: `10.0.1.${i}` }, { secret: SECRET, nowMs: nowMs + 1 + i, guard }),
      ),
    );

    expect(verifyPassword).toHaveBeenCalledTimes(LOCKOUT_FAILURES);
    expect(results[RIGHT_AT]).toMatchObject({ ok: false, code: 'auth.lockedOut' });
    expect(results.filter((r) => r.ok)).toHaveLength(0);
    expect(attemptStates(db)).toEqual({ failed: LOCKOUT_FAILURES });
    expect(listAudit(db, { action: 'sign-in-failed', limit: 100 })).toHaveLength(LOCKOUT_FAILURES);
    expect(listAudit(db, { action: 'sign-in-refused', limit: 100 })).toHaveLength(41 - (LOCKOUT_FAILURES - 1));
  });

  it('shares the count between two connections to the same file', async () => {
    const other = openDatabase(join(dir, 'console.db'));
    try {
      const guard = wide();
      const results = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          signIn(createSqliteStore(i % 2 ? other : db), { username: 'ALICE', password: `wrong-${i}`, clientIp: null }, { secret: SECRET, nowMs: 7_000_000 + i, guard }),
        ),
      );
      expect(verifyPassword).toHaveBeenCalledTimes(LOCKOUT_FAILURES);
      expect(results.filter((r) => !r.ok && r.code === 'auth.lockedOut')).toHaveLength(20 - LOCKOUT_FAILURES);
    } finally {
      other.close();
    }
  });

  it('counts an attempt left pending by a crashed process as a failure until the window passes', async () => {
    const nowMs = 9_000_000;
    for (let i = 0; i < LOCKOUT_FAILURES; i++) expect(beginAttempt(db, { username: 'alice', clientIp: null }, nowMs)).not.toBeNull();
    const locked = await signIn(createSqliteStore(db), { username: 'alice', password: PASSWORD, clientIp: null }, { secret: SECRET, nowMs: nowMs + 1 });
    expect(locked).toMatchObject({ ok: false, code: 'auth.lockedOut' });
    expect(verifyPassword).not.toHaveBeenCalled();
    const later = await signIn(createSqliteStore(db), { username: 'alice', password: PASSWORD, clientIp: null }, { secret: SECRET, nowMs: nowMs + LOCKOUT_WINDOW_MS + 1 });
    expect(later.ok).toBe(true);
    expect(attemptStates(db)).toEqual({ pending: LOCKOUT_FAILURES, ok: 1 });
  });
});
