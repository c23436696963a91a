import { createHmac, timingSafeEqual } from 'node:crypto';

/** Headers of every delivery: when it was signed, and the HMAC-SHA256 of `timestamp.body` under the hook's secret. */
export const TIMESTAMP_HEADER = 'x-tim-console-timestamp';
export const SIGNATURE_HEADER = 'x-tim-console-signature';
/** A receiver refuses a delivery signed longer ago than this, so a captured one cannot be replayed later. */
export const REPLAY_WINDOW_S = 300;

export function sign(secret: string, timestampS: number, body: string): string {
  return `v1=${createHmac('sha256', secret).update(`${timestampS}.${body}`).digest('hex')}`;
}

/** What a receiver does (documented in README and the OpenAPI document); the tests receive deliveries with it. */
export function verify(secret: string, headers: { timestamp: string | null; signature: string | null }, body: string, nowS: number): boolean {
  const timestampS = Number(headers.timestamp);
  if (!Number.isInteger(timestampS) || Math.abs(nowS - timestampS) > REPLAY_WINDOW_S || !headers.signature) return false;
  const expected = Buffer.from(sign(secret, timestampS, body));
  const given = Buffer.from(headers.signature);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/**
 * A hook's secret is derived from SESSION_SECRET and the hook's own random salt, so the database
 * holds nothing that signs: the admin sees it once, and the console computes it again to sign.
 */
export function hookSecret(sessionSecret: string, salt: string): string {
  return `whsec_${createHmac('sha256', sessionSecret).update(`webhook:${salt}`).digest('base64url')}`;
}
