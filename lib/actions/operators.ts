'use server';

import { revalidatePath } from 'next/cache';
import { action } from '@/lib/entry/action';
import { operatorChangeSchema } from '@/lib/schemas/operators';
import { changeOperator } from '@/lib/use-cases/manage-operators';

export const changeOperatorAction = action('admin', operatorChangeSchema, async (ctx, input) => {
  const result = await changeOperator(ctx, input);
  if (result.ok) revalidatePath('/operators');
  return result;
});
