import { z } from 'zod';
import { MAX_CSV_BYTES } from '../csv/limits';
import { requestKeySchema } from './request-key';

/** Attributes picked on /bulk, for rows whose CSV has none; shared by the form and the action. */
export const bulkPickSchema = z.object({
  attrs: z.array(z.string().min(1)).max(10, { error: 'An app has at most 10 attributes.' }),
});

export type BulkPickValues = z.input<typeof bulkPickSchema>;

/** What the start action receives: the picks plus the file itself. */
export const startBulkSchema = bulkPickSchema.extend({
  requestKey: requestKeySchema,
  file: z
    .instanceof(File, { error: 'Choose a CSV file.' })
    .refine((f) => f.size > 0, { error: 'The file is empty.' })
    .refine((f) => f.size <= MAX_CSV_BYTES, { error: `The file is over ${MAX_CSV_BYTES / 1024 / 1024} MiB; split it. Nothing was sent.` }),
});

export const runIdSchema = z.coerce.number().int().positive();
