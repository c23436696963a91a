import 'server-only';
import { z } from 'zod';
import { says } from '../messages/validation';
import { hashPassword } from './passwords';
import { roleSchema } from './roles';
import type { OperatorRefusal, PreparedOperator } from './types';

export const usernameSchema = z
  .string()
  .trim()
  .min(1, { error: says('enterUsername') })
  .max(64, { error: says('usernameTooLong', { max: 64 }) })
  .regex(/^[\w.@-]+$/, { error: says('usernameChars') });

export const passwordSchema = z.string().min(12, { error: says('passwordTooShort', { min: 12 }) }).max(256);

export const newOperatorSchema = z.object({ username: usernameSchema, password: passwordSchema, role: roleSchema });

/** Validation and the slow hash, before any write: the insert that follows can share a transaction with its audit row. */
export async function prepareOperator(input: z.input<typeof newOperatorSchema>): Promise<{ ok: true; operator: PreparedOperator } | ({ ok: false } & OperatorRefusal)> {
  const parsed = newOperatorSchema.safeParse(input);
  if (!parsed.success) return { ok: false, code: 'input.invalid', username: String(input.username) };
  const { username, password, role } = parsed.data;
  return { ok: true, operator: { username, role, passwordHash: await hashPassword(password) } };
}

export async function hashNewPassword(password: string): Promise<{ ok: true; passwordHash: string } | { ok: false }> {
  const parsed = passwordSchema.safeParse(password);
  return parsed.success ? { ok: true, passwordHash: await hashPassword(parsed.data) } : { ok: false };
}
