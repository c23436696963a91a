'use server';

import { revalidatePath } from 'next/cache';
import { action } from '@/lib/entry/action';
import { ok } from '@/lib/errors';
import { addWebhookSchema, removeWebhookSchema } from '@/lib/schemas/webhooks';
import { addWebhook, removeWebhook } from '@/lib/use-cases/manage-webhooks';

/** The hook's signing secret goes back to the admin's page this once; the console keeps only a salt. */
export const addWebhookAction = action('admin', addWebhookSchema, async (ctx, input) => {
  const result = await addWebhook(ctx, input);
  if (!result.ok) return result;
  revalidatePath('/operators');
  return ok({ secret: result.value.secret });
});

export const removeWebhookAction = action('admin', removeWebhookSchema, async (ctx, input) => {
  const result = await removeWebhook(ctx, input);
  if (result.ok) revalidatePath('/operators');
  return result;
});
