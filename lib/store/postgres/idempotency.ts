import 'server-only';
import { IDEMPOTENCY_STALE_MS, type IdempotencyClaim } from '../../tokens/idempotency';
import { changed, type Db } from './database';

/**
 * The primary key decides: of requests at once with one key, the insert of one commits and the
 * others wait for it and insert nothing, then read what is there. A claim left unanswered past
 * IDEMPOTENCY_STALE_MS (its process died) is taken over by one compare-and-set.
 */
export async function claimKey(db: Db, tokenId: number, key: string, fingerprint: string, nowMs: number): Promise<IdempotencyClaim> {
  const inserted = await db.query('INSERT INTO api_idempotency (token_id, key, fingerprint, created_ms) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING', [
    tokenId,
    key,
    fingerprint,
    nowMs,
  ]);
  if (changed(inserted) === 1) return { state: 'claimed' };
  const row = (
    await db.query<{ fingerprint: string; status: number | null; response: string | null }>('SELECT fingerprint, status, response FROM api_idempotency WHERE token_id = $1 AND key = $2', [
      tokenId,
      key,
    ])
  ).rows[0];
  if (!row) return { state: 'claimed' };
  if (row.fingerprint !== fingerprint) return { state: 'mismatch' };
  if (row.status !== null) return { state: 'done', status: row.status, body: row.response ?? '' };
  const taken = await db.query('UPDATE api_idempotency SET created_ms = $3 WHERE token_id = $1 AND key = $2 AND status IS NULL AND created_ms < $4', [
    tokenId,
    key,
    nowMs,
    nowMs - IDEMPOTENCY_STALE_MS,
  ]);
  return changed(taken) === 1 ? { state: 'claimed' } : { state: 'in-progress' };
}

export async function completeKey(db: Db, tokenId: number, key: string, status: number, body: string): Promise<void> {
  await db.query('UPDATE api_idempotency SET status = $3, response = $4 WHERE token_id = $1 AND key = $2 AND status IS NULL', [tokenId, key, status, body]);
}

export async function releaseKey(db: Db, tokenId: number, key: string): Promise<void> {
  await db.query('DELETE FROM api_idempotency WHERE token_id = $1 AND key = $2 AND status IS NULL', [tokenId, key]);
}

export async function purgeKeys(db: Db, beforeMs: number): Promise<void> {
  await db.query('DELETE FROM api_idempotency WHERE created_ms < $1', [beforeMs]);
}
