import { z } from 'zod';
import { says } from '../messages/validation';
import { MAX_CSV_BYTES } from '../csv/limits';
import { appIdSchema } from './apps';
import { MAX_ATTRIBUTES } from './remove-form';
import { requestKeySchema } from './request-key';

/** Attributes picked on /bulk, for rows whose CSV has none; shared by the form and the action. */
export const bulkPickSchema = z.object({
  attrs: z.array(z.string().min(1)).max(MAX_ATTRIBUTES, { error: says('atMostAttributes', { max: MAX_ATTRIBUTES }) }),
});

export type BulkPickValues = z.input<typeof bulkPickSchema>;

/** What the start action receives as a form upload: the picks, the app, the file itself. */
export const startBulkSchema = z.preprocess(
  (v) => (v instanceof FormData ? { file: v.get('file'), attrs: v.getAll('attrs'), requestKey: v.get('requestKey') ?? undefined, appId: v.get('appId') } : v),
  bulkPickSchema.extend({
    appId: appIdSchema,
    requestKey: requestKeySchema,
    file: z
      .instanceof(File, { error: says('chooseCsv') })
      .refine((f) => f.size > 0, { error: says('emptyFile') })
      .refine((f) => f.size <= MAX_CSV_BYTES, { error: says('fileTooLarge', { maxMib: MAX_CSV_BYTES / 1024 / 1024 }) }),
  }),
);

export type StartBulkInput = z.output<typeof startBulkSchema>;

export const runRefSchema = z.object({ runId: z.coerce.number().int().positive() });
export type RunRef = z.output<typeof runRefSchema>;

export const runIdSchema = z.coerce.number().int().positive();
