import 'server-only';
import { createHash, randomBytes } from 'node:crypto';
import type { Role } from '../auth/roles';

/** Marks a string as this console's API token, so a secret scanner (and a person) can tell what leaked. */
export const TOKEN_PREFIX = 'timc_';

/** An API token as kept: its hash, never the token. */
export interface ApiToken {
  id: number;
  name: string;
  role: Role;
  createdBy: string;
  createdAt: string;
  expiresAt: string;
  revokedAt: string | null;
}

export interface NewToken {
  name: string;
  role: Role;
  hash: string;
  createdBy: string;
  expiresAt: string;
}

/**
 * 32 random bytes: far too many to guess, so a plain SHA-256 is enough to keep (and look up) instead
 * of a slow password hash, and a leaked database holds nothing that signs in.
 */
export function mintToken(): { token: string; hash: string } {
  const token = TOKEN_PREFIX + randomBytes(32).toString('base64url');
  return { token, hash: tokenHash(token) };
}

export function tokenHash(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** The token of an `Authorization: Bearer …` header, or null for anything else. */
export function bearerToken(header: string | null): string | null {
  const match = /^Bearer[ \t]+([A-Za-z0-9_-]{1,200})[ \t]*$/i.exec(header ?? '');
  return match && match[1]!.startsWith(TOKEN_PREFIX) ? match[1]! : null;
}

export function isLive(token: Pick<ApiToken, 'expiresAt' | 'revokedAt'>, nowMs: number): boolean {
  return token.revokedAt === null && Date.parse(token.expiresAt) > nowMs;
}
