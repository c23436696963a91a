import { z } from 'zod';
import { roleSchema } from '../auth/roles';
import { says } from '../messages/validation';

/** How long a new token lives; an admin picks one, and makes a new token before it ends. */
export const TOKEN_LIFETIMES_DAYS = [7, 30, 90, 365] as const;

/** What /operators asks for a new token; the server action validates with this same schema. */
export const createTokenSchema = z.object({
  name: z
    .string()
    .trim()
    .min(1, { error: says('enterTokenName') })
    .max(64)
    .regex(/^[\p{L}\p{N} ._-]+$/u, { error: says('tokenNameCharacters') }),
  role: roleSchema,
  days: z.coerce.number().pipe(z.union(TOKEN_LIFETIMES_DAYS.map((d) => z.literal(d)))),
});
export type CreateTokenValues = z.input<typeof createTokenSchema>;
export type CreateTokenInput = z.output<typeof createTokenSchema>;

export const revokeTokenSchema = z.object({ id: z.coerce.number().int().positive() });
