import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * The session cookie's value is a random token and its HMAC under SESSION_SECRET. Kept apart from
 * the session store so proxy.ts can check a signature without touching the database.
 */
export const SESSION_COOKIE = 'tim_console_session';

const sign = (token: string, secret: string) => createHmac('sha256', secret).update(token).digest('base64url');

export function sealToken(token: string, secret: string): string {
  return `${token}.${sign(token, secret)}`;
}

/** The token inside a cookie value, or null when the signature does not match. */
export function unsealToken(value: string | undefined, secret: string): string | null {
  if (!value) return null;
  const dot = value.lastIndexOf('.');
  if (dot <= 0) return null;
  const token = value.slice(0, dot);
  const given = Buffer.from(value.slice(dot + 1));
  const expected = Buffer.from(sign(token, secret));
  return given.length === expected.length && timingSafeEqual(given, expected) ? token : null;
}
