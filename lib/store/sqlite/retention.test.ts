import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase, type Db } from './database';
import { beginAttempt } from './sign-ins';
import { audit, listAudit } from './audit';
import { addOperator } from '../../../test-support/operators';
import { retentionLimits } from '../../auth/retention';
import { purgeExpired } from './retention';
import { createSession, resolveSession } from './sessions';
import { createSqliteStore } from './store';

const SECRET = 'x'.repeat(40);
const MIN = 60_000;
const DAY = 86_400_000;
const limits = retentionLimits({ sessionIdleMinutes: 30, sessionMaxHours: 2, auditRetentionDays: 10 });
const NOW = 100 * DAY;
let dir: string;
let db: Db;
let operatorId: number;
beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'retention-test-'));
  db = openDatabase(join(dir, 'console.db'));
  const op = await addOperator(createSqliteStore(db), { username: 'alice', password: 'correct-horse-battery', role: 'operator' });
  if (!op.ok) throw new Error(op.code);
  operatorId = op.operator.id;
});
afterEach(() => {
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

const count = (table: string) => db.prepare(`SELECT COUNT(*) FROM ${table}`).pluck().get() as number;

describe('purgeExpired', () => {
  it('deletes idle and too-old sessions, old audit rows and old attempts, and audits the counts in one row', () => {
    const fresh = createSession(db, operatorId, SECRET, NOW - 10 * MIN);
    createSession(db, operatorId, SECRET, NOW - 31 * MIN);
    // In use until five minutes ago, but signed in more than two hours ago.
    const old = createSession(db, operatorId, SECRET, NOW - 121 * MIN);
    for (let t = NOW - 101 * MIN; t <= NOW - 5 * MIN; t += 24 * MIN) expect(resolveSession(db, old, { secret: SECRET, ...limits, nowMs: t })).not.toBeNull();
    audit(db, { action: 'sign-in', operator: 'alice', clientIp: null }, NOW - 11 * DAY);
    audit(db, { action: 'sign-in', operator: 'alice', clientIp: null }, NOW - 9 * DAY);
    beginAttempt(db, { username: 'alice', clientIp: null }, NOW - 16 * MIN);
    beginAttempt(db, { username: 'alice', clientIp: null }, NOW - 14 * MIN);

    expect(purgeExpired(db, limits, NOW)).toEqual({ sessions: 2, audit: 1, attempts: 1 });
    expect(resolveSession(db, fresh, { secret: SECRET, ...limits, nowMs: NOW })?.username).toBe('alice');
    expect(count('sessions')).toBe(1);
    expect(count('sign_in_attempts')).toBe(1);
    expect(listAudit(db, { limit: 10 }).map((e) => [e.action, e.detail, e.operator])).toEqual([
      ['purge', { sessions: 2, audit: 1, attempts: 1 }, null],
      ['sign-in', null, 'alice'],
    ]);
  });

  it('writes no audit row when there was nothing to delete', () => {
    createSession(db, operatorId, SECRET, NOW);
    expect(purgeExpired(db, limits, NOW)).toEqual({ sessions: 0, audit: 0, attempts: 0 });
    expect(count('audit_log')).toBe(0);
  });

  it('keeps whatever is exactly at a limit, as resolveSession and the lockout still count it', () => {
    createSession(db, operatorId, SECRET, NOW - 30 * MIN);
    audit(db, { action: 'sign-in', operator: 'alice', clientIp: null }, NOW - 10 * DAY);
    beginAttempt(db, { username: 'alice', clientIp: null }, NOW - 15 * MIN);
    expect(purgeExpired(db, limits, NOW)).toEqual({ sessions: 0, audit: 0, attempts: 0 });
    expect(purgeExpired(db, limits, NOW + 1)).toEqual({ sessions: 1, audit: 1, attempts: 1 });
  });
});
