// Set-up for tests that need operators in a real SQLite file: the same two steps the use case takes.
import { hashNewPassword, insertOperator, prepareOperator, setPasswordHash, type OperatorChange } from '../lib/auth/operators';
import type { Role } from '../lib/auth/roles';
import type { Db } from '../lib/store/sqlite/database';

export async function addOperator(db: Db, input: { username: string; password: string; role: Role }): Promise<OperatorChange> {
  const prepared = await prepareOperator(input);
  return prepared.ok ? insertOperator(db, prepared.operator) : prepared;
}

export async function resetPassword(db: Db, username: string, password: string): Promise<OperatorChange> {
  const hashed = await hashNewPassword(password);
  return hashed.ok ? setPasswordHash(db, username, hashed.passwordHash) : { ok: false, code: 'input.invalid', username };
}
