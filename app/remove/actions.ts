'use server';

import { z } from 'zod';
import { authorizeAction, clientIp } from '@/lib/auth/request';
import { removeForForm, type FormRemovalResult } from '@/lib/removal/form-removal';
import { removeFormSchema, type RemoveFormValues } from '@/lib/schemas/remove-form';

export async function removeAttributesAction(values: RemoveFormValues): Promise<FormRemovalResult> {
  const auth = await authorizeAction('operator');
  if (!auth.ok) return auth;
  const parsed = removeFormSchema.safeParse(values);
  if (!parsed.success) {
    return { ok: false, error: 'Check the highlighted fields.', fieldErrors: z.flattenError(parsed.error).fieldErrors };
  }
  return removeForForm(parsed.data, { username: auth.operator.username, clientIp: await clientIp() });
}
