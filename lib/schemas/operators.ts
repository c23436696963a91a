import { z } from 'zod';
import { says } from '../messages/validation';

const username = z.string().trim().min(1, { error: says('enterUsername') }).max(64);
const password = z.string().min(12, { error: says('passwordTooShort', { min: 12 }) }).max(256);
const role = z.enum(['viewer', 'operator', 'admin']);

/** Everything the /operators page can ask for; the server action validates with this same schema. */
export const operatorChangeSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('add'), username, password, role }),
  z.object({ kind: z.literal('disable'), username }),
  z.object({ kind: z.literal('enable'), username }),
  z.object({ kind: z.literal('role'), username, role }),
  z.object({ kind: z.literal('reset-password'), username, password }),
  z.object({ kind: z.literal('unlock'), username }),
]);

export type OperatorChangeValues = z.input<typeof operatorChangeSchema>;
export type OperatorChangeInput = z.output<typeof operatorChangeSchema>;

export const addOperatorFormSchema = z.object({ username, password, role });
export type AddOperatorValues = z.input<typeof addOperatorFormSchema>;
