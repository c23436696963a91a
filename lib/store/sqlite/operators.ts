import 'server-only';
import type { Role } from '../../auth/roles';
import type { Operator, OperatorChange, PreparedOperator } from '../../auth/types';
import type { Locale } from '../../messages/locales';
import { statement, type Db } from './database';

interface OperatorRow {
  id: number;
  username: string;
  password_hash: string;
  role: Role;
  disabled: number;
  created_at: string;
  app_id: string | null;
  locale: Locale | null;
}

const toOperator = (r: OperatorRow): Operator => ({
  id: r.id,
  username: r.username,
  role: r.role,
  disabled: r.disabled === 1,
  createdAt: r.created_at,
  appId: r.app_id,
  locale: r.locale,
});

export function setOperatorApp(db: Db, username: string, appId: string): void {
  statement(db, 'UPDATE operators SET app_id = ? WHERE username = ?').run(appId, username);
}

export function setOperatorLocale(db: Db, username: string, locale: Locale): void {
  statement(db, 'UPDATE operators SET locale = ? WHERE username = ?').run(locale, username);
}

export function findOperator(db: Db, username: string): (Operator & { passwordHash: string }) | null {
  const row = statement(db, 'SELECT * FROM operators WHERE username = ?').get(username) as OperatorRow | undefined;
  return row ? { ...toOperator(row), passwordHash: row.password_hash } : null;
}

export function getOperator(db: Db, id: number): Operator | null {
  const row = statement(db, 'SELECT * FROM operators WHERE id = ?').get(id) as OperatorRow | undefined;
  return row ? toOperator(row) : null;
}

export function listOperators(db: Db): Operator[] {
  return (statement(db, 'SELECT * FROM operators ORDER BY username').all() as OperatorRow[]).map(toOperator);
}

export function countOperators(db: Db): number {
  return statement(db, 'SELECT COUNT(*) FROM operators').pluck().get() as number;
}

/** The username's unique index (any case) refuses a second operator of one name, not a read before the insert. */
export function insertOperator(db: Db, op: PreparedOperator): OperatorChange {
  const now = new Date().toISOString();
  const inserted = statement(db, 'INSERT INTO operators (username, password_hash, role, created_at, updated_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING').run(
    op.username,
    op.passwordHash,
    op.role,
    now,
    now,
  );
  if (inserted.changes === 0) return { ok: false, code: 'operators.exists', username: op.username };
  return { ok: true, operator: getOperator(db, Number(inserted.lastInsertRowid))! };
}

/** Disabling also ends the operator's sessions at once. */
export function setDisabled(db: Db, username: string, disabled: boolean): OperatorChange {
  const op = findOperator(db, username);
  if (!op) return { ok: false, code: 'operators.notFound', username };
  db.transaction(() => {
    statement(db, 'UPDATE operators SET disabled = ?, updated_at = ? WHERE id = ?').run(disabled ? 1 : 0, new Date().toISOString(), op.id);
    if (disabled) statement(db, 'DELETE FROM sessions WHERE operator_id = ?').run(op.id);
  }).immediate();
  return { ok: true, operator: getOperator(db, op.id)! };
}

export function setRole(db: Db, username: string, role: Role): OperatorChange {
  const op = findOperator(db, username);
  if (!op) return { ok: false, code: 'operators.notFound', username };
  statement(db, 'UPDATE operators SET role = ?, updated_at = ? WHERE id = ?').run(role, new Date().toISOString(), op.id);
  return { ok: true, operator: getOperator(db, op.id)! };
}

/** A new password ends every session of that operator. */
export function setPasswordHash(db: Db, username: string, passwordHash: string): OperatorChange {
  const op = findOperator(db, username);
  if (!op) return { ok: false, code: 'operators.notFound', username };
  db.transaction(() => {
    statement(db, 'UPDATE operators SET password_hash = ?, updated_at = ? WHERE id = ?').run(passwordHash, new Date().toISOString(), op.id);
    statement(db, 'DELETE FROM sessions WHERE operator_id = ?').run(op.id);
  }).immediate();
  return { ok: true, operator: getOperator(db, op.id)! };
}
