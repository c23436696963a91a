import { z } from 'zod';
import { MAX_CSV_BYTES } from '../csv/limits';
import { appIdSchema } from './apps';
import { requestKeySchema } from './request-key';

/** Attributes picked on /bulk, for rows whose CSV has none; shared by the form and the action. */
export const bulkPickSchema = z.object({
  attrs: z.array(z.string().min(1)).max(10, { error: 'An app has at most 10 attributes.' }),
});

export type BulkPickValues = z.input<typeof bulkPickSchema>;

/** What the start action receives as a form upload: the picks, the app, the file itself. */
export const startBulkSchema = z.preprocess(
  (v) => (v instanceof FormData ? { file: v.get('file'), attrs: v.getAll('attrs'), requestKey: v.get('requestKey') ?? undefined, appId: v.get('appId') } : v),
  bulkPickSchema.extend({
    appId: appIdSchema,
    requestKey: requestKeySchema,
    file: z
      .instanceof(File, { error: 'Choose a CSV file.' })
      .refine((f) => f.size > 0, { error: 'The file is empty.' })
      .refine((f) => f.size <= MAX_CSV_BYTES, { error: `The file is over ${MAX_CSV_BYTES / 1024 / 1024} MiB; split it. Nothing was sent.` }),
  }),
);

export type StartBulkInput = z.output<typeof startBulkSchema>;

export const runRefSchema = z.object({ runId: z.coerce.number().int().positive() });
export type RunRef = z.output<typeof runRefSchema>;

export const runIdSchema = z.coerce.number().int().positive();
