import 'server-only';
import type { Role } from '../../auth/roles';
import type { Operator, OperatorChange, PreparedOperator } from '../../auth/types';
import type { Locale } from '../../messages/locales';
import type { Db } from './database';

interface OperatorRow {
  id: number;
  username: string;
  password_hash: string;
  role: Role;
  disabled: boolean;
  created_at: Date;
  app_id: string | null;
  locale: Locale | null;
}

const toOperator = (r: OperatorRow): Operator => ({
  id: r.id,
  username: r.username,
  role: r.role,
  disabled: r.disabled,
  createdAt: r.created_at.toISOString(),
  appId: r.app_id,
  locale: r.locale,
});

/** Usernames match in any case, on operators_username (lower(username)). */
const BY_NAME = 'lower(username) = lower($1)';

export async function setOperatorApp(db: Db, username: string, appId: string): Promise<void> {
  await db.query(`UPDATE operators SET app_id = $2 WHERE ${BY_NAME}`, [username, appId]);
}

export async function setOperatorLocale(db: Db, username: string, locale: Locale): Promise<void> {
  await db.query(`UPDATE operators SET locale = $2 WHERE ${BY_NAME}`, [username, locale]);
}

export async function findOperator(db: Db, username: string): Promise<(Operator & { passwordHash: string }) | null> {
  const row = (await db.query<OperatorRow>(`SELECT * FROM operators WHERE ${BY_NAME}`, [username])).rows[0];
  return row ? { ...toOperator(row), passwordHash: row.password_hash } : null;
}

export async function getOperator(db: Db, id: number): Promise<Operator | null> {
  const row = (await db.query<OperatorRow>('SELECT * FROM operators WHERE id = $1', [id])).rows[0];
  return row ? toOperator(row) : null;
}

export async function listOperators(db: Db): Promise<Operator[]> {
  return (await db.query<OperatorRow>('SELECT * FROM operators ORDER BY lower(username) COLLATE "C", username COLLATE "C"')).rows.map(toOperator);
}

export async function countOperators(db: Db): Promise<number> {
  return (await db.query<{ n: number }>('SELECT count(*) AS n FROM operators')).rows[0]!.n;
}

/** operators_username (any case) refuses a second operator of one name, not a read before the insert: the later insert waits for the first's commit, then does nothing. */
export async function insertOperator(db: Db, op: PreparedOperator): Promise<OperatorChange> {
  const row = (
    await db.query<OperatorRow>(
      'INSERT INTO operators (username, password_hash, role, created_at, updated_at) VALUES ($1, $2, $3, now(), now()) ON CONFLICT DO NOTHING RETURNING *',
      [op.username, op.passwordHash, op.role],
    )
  ).rows[0];
  return row ? { ok: true, operator: toOperator(row) } : { ok: false, code: 'operators.exists', username: op.username };
}

/** One UPDATE … RETURNING: the change and the operator as it now is, or notFound. */
async function change(db: Db, username: string, set: string, values: unknown[]): Promise<OperatorChange> {
  const row = (await db.query<OperatorRow>(`UPDATE operators SET ${set}, updated_at = now() WHERE ${BY_NAME} RETURNING *`, [username, ...values])).rows[0];
  return row ? { ok: true, operator: toOperator(row) } : { ok: false, code: 'operators.notFound', username };
}

/** Disabling also ends the operator's sessions, in the caller's transaction. */
export async function setDisabled(db: Db, username: string, disabled: boolean): Promise<OperatorChange> {
  const r = await change(db, username, 'disabled = $2', [disabled]);
  if (r.ok && disabled) await db.query('DELETE FROM sessions WHERE operator_id = $1', [r.operator.id]);
  return r;
}

export async function setRole(db: Db, username: string, role: Role): Promise<OperatorChange> {
  return change(db, username, 'role = $2', [role]);
}

/** A new password ends every session of that operator, in the caller's transaction. */
export async function setPasswordHash(db: Db, username: string, passwordHash: string): Promise<OperatorChange> {
  const r = await change(db, username, 'password_hash = $2', [passwordHash]);
  if (r.ok) await db.query('DELETE FROM sessions WHERE operator_id = $1', [r.operator.id]);
  return r;
}

