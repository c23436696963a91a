import { z } from 'zod';

/** A whole number from an environment variable, within bounds; unset gives the fallback. No `server-only`: proxy.ts reads TRUSTED_PROXY_HOPS with it too. */
export const intBetween = (what: string, fallback: number, min: number, max: number) =>
  z
    .string()
    .trim()
    .regex(/^\d+$/, { error: `must be a whole number (${what})` })
    .transform(Number)
    .refine((n) => n >= min && n <= max, { error: `must be between ${min} and ${max} (${what})` })
    .optional()
    .transform((n) => n ?? fallback);
