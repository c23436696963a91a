import 'server-only';
import type { Role } from '../../auth/roles';
import type { ApiToken, NewToken } from '../../tokens/tokens';
import { statement, type Db } from './database';

interface TokenRow {
  id: number;
  name: string;
  role: Role;
  created_by: string;
  created_at: string;
  expires_at: string;
  revoked_at: string | null;
}

const toToken = (r: TokenRow): ApiToken => ({
  id: r.id,
  name: r.name,
  role: r.role,
  createdBy: r.created_by,
  createdAt: r.created_at,
  expiresAt: r.expires_at,
  revokedAt: r.revoked_at,
});

const COLUMNS = 'id, name, role, created_by, created_at, expires_at, revoked_at';

/** The live-name index refuses a second live token of one name, not a read before the insert. */
export function insertToken(db: Db, token: NewToken, nowIso: string): ApiToken | null {
  const row = statement(
    db,
    `INSERT INTO api_tokens (name, token_hash, role, created_by, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?)
     ON CONFLICT DO NOTHING RETURNING ${COLUMNS}`,
  ).get(token.name, token.hash, token.role, token.createdBy, nowIso, token.expiresAt) as TokenRow | undefined;
  return row ? toToken(row) : null;
}

export function listTokens(db: Db): ApiToken[] {
  return (statement(db, `SELECT ${COLUMNS} FROM api_tokens ORDER BY revoked_at IS NOT NULL, created_at DESC, id DESC`).all() as TokenRow[]).map(toToken);
}

export function tokenByHash(db: Db, hash: string): ApiToken | null {
  const row = statement(db, `SELECT ${COLUMNS} FROM api_tokens WHERE token_hash = ?`).get(hash) as TokenRow | undefined;
  return row ? toToken(row) : null;
}

/** Compare-and-set: only a token not revoked yet is revoked, once. */
export function revokeToken(db: Db, id: number, nowIso: string): ApiToken | null {
  const row = statement(db, `UPDATE api_tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL RETURNING ${COLUMNS}`).get(nowIso, id) as TokenRow | undefined;
  return row ? toToken(row) : null;
}
