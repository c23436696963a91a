import 'server-only';
import { z } from 'zod';
import { statement, type Db } from '../db/database';
import { hashPassword } from './passwords';
import { roleSchema, type Role } from './roles';

export const usernameSchema = z
  .string()
  .trim()
  .min(1, { error: 'Enter a username.' })
  .max(64, { error: 'A username is at most 64 characters.' })
  .regex(/^[\w.@-]+$/, { error: 'Use letters, digits and . _ @ - only.' });

export const passwordSchema = z.string().min(12, { error: 'A password needs at least 12 characters.' }).max(256);

export const newOperatorSchema = z.object({ username: usernameSchema, password: passwordSchema, role: roleSchema });

export interface Operator {
  id: number;
  username: string;
  role: Role;
  disabled: boolean;
  createdAt: string;
}

interface OperatorRow {
  id: number;
  username: string;
  password_hash: string;
  role: Role;
  disabled: number;
  created_at: string;
}

const toOperator = (r: OperatorRow): Operator => ({ id: r.id, username: r.username, role: r.role, disabled: r.disabled === 1, createdAt: r.created_at });

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

export type OperatorChange = { ok: true; operator: Operator } | { ok: false; error: string };

export async function addOperator(db: Db, input: z.input<typeof newOperatorSchema>): Promise<OperatorChange> {
  const parsed = newOperatorSchema.safeParse(input);
  if (!parsed.success) return { ok: false, error: parsed.error.issues.map((i) => i.message).join(' ') };
  const { username, password, role } = parsed.data;
  if (findOperator(db, username)) return { ok: false, error: `An operator named ${username} already exists.` };
  const now = new Date().toISOString();
  const id = Number(
    statement(db, 'INSERT INTO operators (username, password_hash, role, created_at, updated_at) VALUES (?, ?, ?, ?, ?)').run(
      username,
      await hashPassword(password),
      role,
      now,
      now,
    ).lastInsertRowid,
  );
  return { ok: true, operator: getOperator(db, id)! };
}

/** Disabling also ends the operator's sessions at once. */
export function setDisabled(db: Db, username: string, disabled: boolean): OperatorChange {
  const op = findOperator(db, username);
  if (!op) return { ok: false, error: `No operator named ${username}.` };
  db.transaction(() => {
    statement(db, 'UPDATE operators SET disabled = ?, updated_at = ? WHERE id = ?').run(disabled ? 1 : 0, new Date().toISOString(), op.id);
    if (disabled) statement(db, 'DELETE FROM sessions WHERE operator_id = ?').run(op.id);
  })();
  return { ok: true, operator: getOperator(db, op.id)! };
}

export function setRole(db: Db, username: string, role: Role): OperatorChange {
  const op = findOperator(db, username);
  if (!op) return { ok: false, error: `No operator named ${username}.` };
  statement(db, 'UPDATE operators SET role = ?, updated_at = ? WHERE id = ?').run(role, new Date().toISOString(), op.id);
  return { ok: true, operator: getOperator(db, op.id)! };
}

/** A new password ends every session of that operator. */
export async function resetPassword(db: Db, username: string, password: string): Promise<OperatorChange> {
  const op = findOperator(db, username);
  if (!op) return { ok: false, error: `No operator named ${username}.` };
  const parsed = passwordSchema.safeParse(password);
  if (!parsed.success) return { ok: false, error: parsed.error.issues[0]!.message };
  const passwordHash = await hashPassword(parsed.data);
  db.transaction(() => {
    statement(db, 'UPDATE operators SET password_hash = ?, updated_at = ? WHERE id = ?').run(passwordHash, new Date().toISOString(), op.id);
    statement(db, 'DELETE FROM sessions WHERE operator_id = ?').run(op.id);
  })();
  return { ok: true, operator: getOperator(db, op.id)! };
}
