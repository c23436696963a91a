'use server';

import { z } from 'zod';
import { removeForForm, type FormRemovalResult } from '@/lib/removal/form-removal';
import { removeFormSchema, type RemoveFormValues } from '@/lib/schemas/remove-form';

export async function removeAttributesAction(values: RemoveFormValues): Promise<FormRemovalResult> {
  // Sign-in and roles arrive with the operators issue; until then the console trusts its network.
  const parsed = removeFormSchema.safeParse(values);
  if (!parsed.success) {
    return { ok: false, error: 'Check the highlighted fields.', fieldErrors: z.flattenError(parsed.error).fieldErrors };
  }
  return removeForForm(parsed.data, null);
}
