import 'server-only';
import { IDEMPOTENCY_STALE_MS, type IdempotencyClaim } from '../../tokens/idempotency';
import { statement, type Db } from './database';

/**
 * One insert decides: the first request with a key claims it; any other reads what is there. A
 * claim left unanswered past IDEMPOTENCY_STALE_MS (its process died) is taken over by the same
 * request: what it started is found again by its request key.
 */
export function claimKey(db: Db, tokenId: number, key: string, fingerprint: string, nowMs: number): IdempotencyClaim {
  return db.transaction((): IdempotencyClaim => {
    const inserted = statement(db, 'INSERT INTO api_idempotency (token_id, key, fingerprint, created_ms) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING').run(tokenId, key, fingerprint, nowMs).changes;
    if (inserted === 1) return { state: 'claimed' };
    const row = statement(db, 'SELECT fingerprint, status, response FROM api_idempotency WHERE token_id = ? AND key = ?').get(tokenId, key) as
      | { fingerprint: string; status: number | null; response: string | null }
      | undefined;
    if (!row) return { state: 'claimed' };
    if (row.fingerprint !== fingerprint) return { state: 'mismatch' };
    if (row.status !== null) return { state: 'done', status: row.status, body: row.response ?? '' };
    const taken = statement(db, 'UPDATE api_idempotency SET created_ms = ? WHERE token_id = ? AND key = ? AND status IS NULL AND created_ms < ?').run(
      nowMs,
      tokenId,
      key,
      nowMs - IDEMPOTENCY_STALE_MS,
    ).changes;
    return taken === 1 ? { state: 'claimed' } : { state: 'in-progress' };
  }).immediate();
}

export function completeKey(db: Db, tokenId: number, key: string, status: number, body: string): void {
  statement(db, 'UPDATE api_idempotency SET status = ?, response = ? WHERE token_id = ? AND key = ? AND status IS NULL').run(status, body, tokenId, key);
}

export function releaseKey(db: Db, tokenId: number, key: string): void {
  statement(db, 'DELETE FROM api_idempotency WHERE token_id = ? AND key = ? AND status IS NULL').run(tokenId, key);
}

export function purgeKeys(db: Db, beforeMs: number): number {
  return statement(db, 'DELETE FROM api_idempotency WHERE created_ms < ?').run(beforeMs).changes;
}
