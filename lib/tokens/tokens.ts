import 'server-only';
import { createHash, randomBytes } from 'node:crypto';
import { sealToken } from '../auth/cookie';
import type { Role } from '../auth/roles';
import type { Secret } from '../secret';
import { TOKEN_PREFIX } from './bearer';

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
 * 32 random bytes, signed (lib/tokens/bearer.ts): far too many to guess, so a plain SHA-256 is
 * enough to keep (and look up) instead of a slow password hash, and a leaked database holds
 * nothing that signs in.
 */
export function mintToken(secret: Secret): { token: string; hash: string } {
  const token = sealToken(TOKEN_PREFIX + randomBytes(32).toString('base64url'), secret.reveal());
  return { token, hash: tokenHash(token) };
}

export function tokenHash(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

export function isLive(token: Pick<ApiToken, 'expiresAt' | 'revokedAt'>, nowMs: number): boolean {
  return token.revokedAt === null && Date.parse(token.expiresAt) > nowMs;
}
