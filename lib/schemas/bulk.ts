import { z } from 'zod';
import { says } from '../messages/validation';
import { typedAppNameSchema } from './apps';
import { MAX_ATTRIBUTES } from './remove-form';
import { requestKeySchema } from './request-key';

/** Attributes picked on /bulk, for rows whose CSV has none; shared by the form and the action. */
export const bulkPickSchema = z.object({
  attrs: z.array(z.string().min(1)).max(MAX_ATTRIBUTES, { error: says('atMostAttributes', { max: MAX_ATTRIBUTES }) }),
});

export type BulkPickValues = z.input<typeof bulkPickSchema>;

export const runRefSchema = z.object({ runId: z.coerce.number().int().positive() });
export type RunRef = z.output<typeof runRefSchema>;

/** "Retry failed users", after its confirm step. */
export const retryFailedSchema = runRefSchema.extend({ typedAppName: typedAppNameSchema });
export type RetryFailedInput = z.output<typeof retryFailedSchema>;

export const runIdSchema = z.coerce.number().int().positive();

/** "Remove attributes" from a dry run's page; the key makes a second click the same removal. */
export const removeCheckedSchema = runRefSchema.extend({ requestKey: requestKeySchema.unwrap(), typedAppName: typedAppNameSchema });
export type RemoveCheckedInput = z.output<typeof removeCheckedSchema>;
