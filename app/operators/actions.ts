'use server';

import { revalidatePath } from 'next/cache';
import { audit } from '@/lib/auth/audit';
import { addOperator, resetPassword, setDisabled, setRole } from '@/lib/auth/operators';
import { authorizeAction, clientIp } from '@/lib/auth/request';
import { roleSchema } from '@/lib/auth/roles';
import { unlockOperator } from '@/lib/auth/unlock';
import { getRuntime } from '@/lib/runtime';
import { operatorChangeSchema, type OperatorChangeValues } from '@/lib/schemas/operators';

export type OperatorActionResult = { ok: true; message: string } | { ok: false; error: string };

export async function changeOperatorAction(values: OperatorChangeValues): Promise<OperatorActionResult> {
  const auth = await authorizeAction('admin');
  if (!auth.ok) return auth;
  const parsed = operatorChangeSchema.safeParse(values);
  if (!parsed.success) return { ok: false, error: parsed.error.issues.map((i) => i.message).join(' ') };
  const { db } = getRuntime();
  const v = parsed.data;
  const actor = { operator: auth.operator.username, clientIp: await clientIp() };
  if ((v.kind === 'disable' || v.kind === 'enable' || v.kind === 'role') && v.username.toLowerCase() === auth.operator.username.toLowerCase()) {
    return { ok: false, error: 'You cannot disable yourself or change your own role; ask another admin.' };
  }

  let result;
  switch (v.kind) {
    case 'add':
      result = await addOperator(db, { username: v.username, password: v.password, role: v.role });
      if (result.ok) audit(db, { ...actor, action: 'operator-added', detail: `${result.operator.username} as ${result.operator.role}` });
      break;
    case 'disable':
    case 'enable':
      result = setDisabled(db, v.username, v.kind === 'disable');
      if (result.ok) audit(db, { ...actor, action: v.kind === 'disable' ? 'operator-disabled' : 'operator-enabled', detail: result.operator.username });
      break;
    case 'role':
      result = setRole(db, v.username, roleSchema.parse(v.role));
      if (result.ok) audit(db, { ...actor, action: 'operator-role-changed', detail: `${result.operator.username} is now ${result.operator.role}` });
      break;
    case 'reset-password':
      result = await resetPassword(db, v.username, v.password);
      if (result.ok) audit(db, { ...actor, action: 'password-reset', detail: result.operator.username });
      break;
    case 'unlock':
      result = unlockOperator(db, v.username, actor);
      break;
  }
  if (!result.ok) return result;
  revalidatePath('/operators');
  return { ok: true, message: `Done: ${v.kind} ${result.operator.username}.` };
}
