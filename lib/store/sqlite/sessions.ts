import 'server-only';
import { createHash, randomBytes } from 'node:crypto';
import { sealToken, unsealToken } from '../../auth/cookie';
import type { Operator, SessionLimits } from '../../auth/types';
import { statement, type Db } from './database';
import { getOperator } from './operators';

/** last_seen is written at most this often, not on every request. */
const TOUCH_EVERY_MS = 60_000;

const sha256 = (s: string) => createHash('sha256').update(s).digest('base64url');

export function createSession(db: Db, operatorId: number, secret: string, nowMs = Date.now()): string {
  const token = randomBytes(32).toString('base64url');
  statement(db, 'INSERT INTO sessions (token_hash, operator_id, created_at, created_ms, last_seen_ms) VALUES (?, ?, ?, ?, ?)').run(
    sha256(token),
    operatorId,
    new Date(nowMs).toISOString(),
    nowMs,
    nowMs,
  );
  return sealToken(token, secret);
}

/**
 * The signed-in operator for a cookie value, or null: bad signature, unknown, idle or too old
 * session, disabled operator. An ended session is deleted; an active one has its last-seen time
 * refreshed.
 */
export function resolveSession(db: Db, cookie: string | undefined, opts: SessionLimits & { secret: string; nowMs?: number }): Operator | null {
  const token = unsealToken(cookie, opts.secret);
  if (!token) return null;
  const nowMs = opts.nowMs ?? Date.now();
  const key = sha256(token);
  const row = statement(db, 'SELECT operator_id, created_ms, last_seen_ms FROM sessions WHERE token_hash = ?').get(key) as
    | { operator_id: number; created_ms: number; last_seen_ms: number }
    | undefined;
  if (!row) return null;
  if (nowMs - row.last_seen_ms > opts.idleMs || nowMs - row.created_ms > opts.maxAgeMs) {
    statement(db, 'DELETE FROM sessions WHERE token_hash = ?').run(key);
    return null;
  }
  const operator = getOperator(db, row.operator_id);
  if (!operator || operator.disabled) return null;
  if (nowMs - row.last_seen_ms > TOUCH_EVERY_MS) statement(db, 'UPDATE sessions SET last_seen_ms = ? WHERE token_hash = ?').run(nowMs, key);
  return operator;
}

export function endSession(db: Db, cookie: string | undefined, secret: string): void {
  const token = unsealToken(cookie, secret);
  if (token) statement(db, 'DELETE FROM sessions WHERE token_hash = ?').run(sha256(token));
}
