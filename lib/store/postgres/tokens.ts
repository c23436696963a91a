import 'server-only';
import type { Role } from '../../auth/roles';
import type { ApiToken, NewToken } from '../../tokens/tokens';
import type { Db } from './database';

interface TokenRow {
  id: number;
  name: string;
  role: Role;
  created_by: string;
  created_at: Date;
  expires_at: Date;
  revoked_at: Date | null;
}

const toToken = (r: TokenRow): ApiToken => ({
  id: r.id,
  name: r.name,
  role: r.role,
  createdBy: r.created_by,
  createdAt: r.created_at.toISOString(),
  expiresAt: r.expires_at.toISOString(),
  revokedAt: r.revoked_at?.toISOString() ?? null,
});

const COLUMNS = 'id, name, role, created_by, created_at, expires_at, revoked_at';

/** The live-name index refuses a second live token of one name, whichever process asks. */
export async function insertToken(db: Db, token: NewToken): Promise<ApiToken | null> {
  const row = (
    await db.query<TokenRow>(
      `INSERT INTO api_tokens (name, token_hash, role, created_by, created_at, expires_at) VALUES ($1, $2, $3, $4, now(), $5)
       ON CONFLICT DO NOTHING RETURNING ${COLUMNS}`,
      [token.name, token.hash, token.role, token.createdBy, token.expiresAt],
    )
  ).rows[0];
  return row ? toToken(row) : null;
}

export async function listTokens(db: Db): Promise<ApiToken[]> {
  return (await db.query<TokenRow>(`SELECT ${COLUMNS} FROM api_tokens ORDER BY revoked_at IS NOT NULL, created_at DESC, id DESC`)).rows.map(toToken);
}

export async function tokenByHash(db: Db, hash: string): Promise<ApiToken | null> {
  const row = (await db.query<TokenRow>(`SELECT ${COLUMNS} FROM api_tokens WHERE token_hash = $1`, [hash])).rows[0];
  return row ? toToken(row) : null;
}

/** Compare-and-set: only a token not revoked yet is revoked, once. */
export async function revokeToken(db: Db, id: number): Promise<ApiToken | null> {
  const row = (await db.query<TokenRow>(`UPDATE api_tokens SET revoked_at = now() WHERE id = $1 AND revoked_at IS NULL RETURNING ${COLUMNS}`, [id])).rows[0];
  return row ? toToken(row) : null;
}
