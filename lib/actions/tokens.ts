'use server';

import { revalidatePath } from 'next/cache';
import { action } from '@/lib/entry/action';
import { createTokenSchema, revokeTokenSchema } from '@/lib/schemas/tokens';
import { createToken, revokeToken } from '@/lib/use-cases/manage-tokens';
import { ok } from '@/lib/errors';

/** The token's text goes back to the admin's page this once; only its hash is kept. */
export const createTokenAction = action('admin', createTokenSchema, async (ctx, input) => {
  const result = await createToken(ctx, input);
  if (!result.ok) return result;
  revalidatePath('/operators');
  return ok({ token: result.value.token, name: result.value.apiToken.name });
});

export const revokeTokenAction = action('admin', revokeTokenSchema, async (ctx, input) => {
  const result = await revokeToken(ctx, input);
  if (result.ok) revalidatePath('/operators');
  return result;
});
