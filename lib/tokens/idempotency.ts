import { createHash } from 'node:crypto';

/** How long a key's answer is kept: a script retrying a POST does so within minutes, not days. */
export const IDEMPOTENCY_TTL_MS = 24 * 3_600_000;

/** A claim without an answer this long was left by a process that died: an inline run of 1,000 users takes seconds. */
export const IDEMPOTENCY_STALE_MS = 60_000;

/**
 * The run key a POST with an Idempotency-Key starts its run with (runs.request_key), so a request
 * that takes over a stale claim finds the run the first one started instead of starting another.
 */
export function requestKeyOf(tokenId: number, key: string): string {
  return `api_${createHash('sha256').update(`${tokenId}:${key}`).digest('base64url').slice(0, 43)}`;
}

/** What a POST with an Idempotency-Key finds when it claims the key. */
export type IdempotencyClaim =
  | { state: 'claimed' }
  | { state: 'in-progress' }
  | { state: 'mismatch' }
  | { state: 'done'; status: number; body: string };

/** `Idempotency-Key`: 1 to 255 visible ASCII characters (the IETF draft's field is a string). */
export const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,255}$/;

/** The request a key was first used for: method, route and body, so the same key with another request is refused. */
export function fingerprint(method: string, path: string, body: string): string {
  return createHash('sha256').update(`${method} ${path}\n`).update(body).digest('hex');
}
