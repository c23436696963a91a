import { z } from 'zod';
import { LOCALES } from '../messages/locales';
import { says } from '../messages/validation';

/** What /operators asks for a new webhook; the server action validates with this same schema. */
export const addWebhookSchema = z.object({
  url: z.string().trim().min(1, { error: says('enterWebhookUrl') }).max(2000),
  locale: z.enum(LOCALES),
});
export type AddWebhookValues = z.input<typeof addWebhookSchema>;
export type AddWebhookInput = z.output<typeof addWebhookSchema>;

export const removeWebhookSchema = z.object({ id: z.coerce.number().int().positive() });
