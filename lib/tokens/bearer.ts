import { unsealToken } from '../auth/cookie';

/**
 * An API token's text: this prefix (so a secret scanner, and a person, can tell what leaked), 32
 * random bytes, and their HMAC under SESSION_SECRET, as a session cookie is signed. The signature
 * lets the front server refuse a forged token before reading any body; only the database (by the
 * token's hash) says whether it is live. Pure, so the front server can load it.
 */
export const TOKEN_PREFIX = 'timc_';

/** The token of an `Authorization: Bearer …` header, or null for anything else. */
export function bearerToken(header: string | null): string | null {
  const match = /^Bearer[ \t]+([A-Za-z0-9_.-]{1,200})[ \t]*$/i.exec(header ?? '');
  return match && match[1]!.startsWith(TOKEN_PREFIX) ? match[1]! : null;
}

/** Whether the header carries a token this console signed (live or not). */
export function signedBearer(header: string | null, secret: string): boolean {
  return unsealToken(bearerToken(header) ?? undefined, secret) !== null;
}
