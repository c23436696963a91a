import 'server-only';
import { createHash, randomBytes } from 'node:crypto';
import { sealToken, unsealToken } from '../../auth/cookie';
import type { Operator, SessionLimits } from '../../auth/types';
import type { Db } from './database';
import { getOperator } from './operators';

/** last_seen is written at most this often, not on every request. */
const TOUCH_EVERY_MS = 60_000;

const sha256 = (s: string) => createHash('sha256').update(s).digest('base64url');

export async function createSession(db: Db, operatorId: number, secret: string, nowMs = Date.now()): Promise<string> {
  const token = randomBytes(32).toString('base64url');
  await db.query('INSERT INTO sessions (token_hash, operator_id, created_at, created_ms, last_seen_ms) VALUES ($1, $2, to_timestamp($3 / 1000.0), $3, $3)', [
    sha256(token),
    operatorId,
    nowMs,
  ]);
  return sealToken(token, secret);
}

/**
 * The signed-in operator for a cookie value, or null: bad signature, unknown, idle or too old
 * session, disabled operator. An ended session is deleted; an active one has its last-seen time
 * refreshed.
 */
export async function resolveSession(db: Db, cookie: string | undefined, opts: SessionLimits & { secret: string; nowMs?: number }): Promise<Operator | null> {
  const token = unsealToken(cookie, opts.secret);
  if (!token) return null;
  const nowMs = opts.nowMs ?? Date.now();
  const key = sha256(token);
  const row = (await db.query<{ operator_id: number; created_ms: number; last_seen_ms: number }>('SELECT operator_id, created_ms, last_seen_ms FROM sessions WHERE token_hash = $1', [key]))
    .rows[0];
  if (!row) return null;
  if (nowMs - row.last_seen_ms > opts.idleMs || nowMs - row.created_ms > opts.maxAgeMs) {
    await db.query('DELETE FROM sessions WHERE token_hash = $1', [key]);
    return null;
  }
  const operator = await getOperator(db, row.operator_id);
  if (!operator || operator.disabled) return null;
  // GREATEST: two requests touching at once never move it back.
  if (nowMs - row.last_seen_ms > TOUCH_EVERY_MS) await db.query('UPDATE sessions SET last_seen_ms = GREATEST(last_seen_ms, $2) WHERE token_hash = $1', [key, nowMs]);
  return operator;
}

export async function endSession(db: Db, cookie: string | undefined, secret: string): Promise<void> {
  const token = unsealToken(cookie, secret);
  if (token) await db.query('DELETE FROM sessions WHERE token_hash = $1', [sha256(token)]);
}
