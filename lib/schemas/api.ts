import { z } from 'zod';
import { RUN_STATUSES, USER_RESULTS } from '../runs/state-machine';
import { MAX_ATTRIBUTES, MAX_FORM_USERS } from './remove-form';
import { stagedUploadSchema } from './upload';
import type { RunSummary } from '../runs/types';

/**
 * What /api/v1 answers, as zod schemas: handlers build their bodies to these types, and the
 * OpenAPI document is generated from them, so the two cannot drift apart.
 */
/** The schemas the OpenAPI document lists under components, by name. */
export const apiSchemas = z.registry<{ id: string }>();

export const apiAppSchema = z
  .object({
    id: z.string().meta({ description: 'The app id the console is configured with; every run names one.' }),
    label: z.string(),
    sdkAppId: z.number().int(),
    region: z.string(),
    envLabel: z.string().nullable().meta({ description: 'E.g. "production"; null when the app has none.' }),
  })
  .register(apiSchemas, { id: 'App' });

export const apiAppsSchema = z.object({ apps: z.array(apiAppSchema) }).register(apiSchemas, { id: 'Apps' });

export const apiRunSchema = z
  .object({
    id: z.number().int(),
    kind: z.enum(['remove', 'check', 'restore']).meta({ description: 'remove: a removal; check: a dry run that only reads; restore: writes back what a removal took.' }),
    source: z.enum(['form', 'csv', 'retry', 'restore']),
    appId: z.string(),
    status: z.enum(RUN_STATUSES),
    createdAt: z.iso.datetime(),
    finishedAt: z.iso.datetime().nullable(),
    parentRunId: z.number().int().nullable(),
    attrs: z.array(z.string()),
    total: z.number().int(),
    succeeded: z.number().int().meta({ description: "Users the run's call went through for: removed, checked or restored, by its kind." }),
    nothingToRemove: z.number().int(),
    skipped: z.number().int(),
    failed: z.number().int(),
    notSent: z.number().int(),
    pending: z.number().int(),
    withValues: z.number().int(),
    cancelRequested: z.boolean(),
    error: z.object({ key: z.string(), code: z.number().int().nullable(), info: z.string() }).nullable(),
  })
  .register(apiSchemas, { id: 'Run' });

export const apiRunStatusSchema = z
  .object({
    run: apiRunSchema,
    usersPerSecond: z.number().nullable().meta({ description: 'Measured over the last seconds of a running run; null otherwise.' }),
    etaSeconds: z.number().int().nullable(),
  })
  .register(apiSchemas, { id: 'RunStatus' });

export const problemSchema = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    code: z.string().meta({ description: 'Stable: scripts branch on this, never on the words.' }),
    detail: z.string().meta({ description: 'In the language of Accept-Language (en or zh).' }),
    params: z.record(z.string(), z.union([z.string(), z.number()])).optional(),
    errors: z.record(z.string(), z.string()).optional().meta({ description: 'For input.invalid and the like: what is wrong with each field.' }),
  })
  .register(apiSchemas, { id: 'Problem' });

export const apiStartRunSchema = z
  .object({
    kind: z.enum(['remove', 'check']).default('remove').meta({ description: 'check: a dry run, which reads the values and changes nothing.' }),
    appId: z.string().meta({ description: 'One of GET /apps.' }),
    users: z.array(z.string()).min(1).max(MAX_FORM_USERS).meta({ description: `1 to ${MAX_FORM_USERS} user IDs; repeats are merged. More go through an upload.` }),
    attrs: z.array(z.string().min(1)).min(1).max(MAX_ATTRIBUTES).meta({ description: "Attribute names of the app's push attributes." }),
    typedAppName: z.string().optional().meta({ description: "The app's name, when the app asks for it to be typed to remove this many users." }),
  })
  .register(apiSchemas, { id: 'StartRun' });

export const apiRunOnlySchema = z.object({ run: apiRunSchema }).register(apiSchemas, { id: 'RunOnly' });

export const apiStartedSchema = z
  .object({ runId: z.number().int(), users: z.number().int().meta({ description: 'Users the new run sends for; it runs in the background: poll GET /runs/{runId}.' }) })
  .register(apiSchemas, { id: 'Started' });

export const apiTypedSchema = z.object({ typedAppName: z.string().optional() }).register(apiSchemas, { id: 'TypedAppName' });

export const apiRunUserSchema = z
  .object({
    seq: z.number().int().meta({ description: "The user's position in the run: the cursor." }),
    userId: z.string(),
    attrs: z.array(z.string()),
    result: z.enum(USER_RESULTS),
    error: z.object({ key: z.string(), code: z.number().int().nullable(), info: z.string() }).nullable(),
    values: z.record(z.string(), z.string()).nullable().optional().meta({ description: 'What a removal took away, a dry run read or a restore wrote. Operator and admin tokens only.' }),
  })
  .register(apiSchemas, { id: 'RunUser' });

export const apiUsersPageSchema = z
  .object({ users: z.array(apiRunUserSchema), next: z.number().int().nullable().meta({ description: 'Pass as `after` for the next page; null at the end.' }) })
  .register(apiSchemas, { id: 'UsersPage' });

export const apiUsersQuerySchema = z.object({
  after: z.coerce.number().int().min(0).default(0),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  result: z.enum(USER_RESULTS).optional(),
});

/** What a webhook is told about: a run that ended, by how it ended. */
export const WEBHOOK_EVENTS = ['run.completed', 'run.failed', 'run.cancelled'] as const;
export type WebhookEvent = (typeof WEBHOOK_EVENTS)[number];

export const apiRunEndedSchema = z
  .object({
    event: z.enum(WEBHOOK_EVENTS),
    run: apiRunSchema,
    link: z.string().meta({ description: "The run's page: CONSOLE_URL and the path, or the path alone when CONSOLE_URL is unset." }),
  })
  .register(apiSchemas, { id: 'RunEnded' });

apiSchemas.add(stagedUploadSchema, { id: 'StagedUpload' });

export const apiStartUploadSchema = z
  .object({
    kind: z.enum(['remove', 'check']).default('remove'),
    attrs: z.array(z.string().min(1)).max(MAX_ATTRIBUTES).default([]).meta({ description: 'For rows of the file that name no attributes.' }),
    typedAppName: z.string().optional(),
  })
  .register(apiSchemas, { id: 'StartUpload' });

export const apiExportQuerySchema = z.object({
  format: z.enum(['csv', 'ndjson']).default('csv'),
  result: z.enum(['failed']).optional(),
});

export type ApiRun = z.infer<typeof apiRunSchema>;
export type ApiStartRun = z.infer<typeof apiStartRunSchema>;
export type ApiRunEnded = z.infer<typeof apiRunEndedSchema>;
export type ApiRunStatus = z.infer<typeof apiRunStatusSchema>;
export type ApiApps = z.infer<typeof apiAppsSchema>;

/** A stored run as the API shows it: these fields and no others (the schema refuses more). */
export function apiRun(run: RunSummary): ApiRun {
  const { id, kind, source, appId, status, createdAt, finishedAt, parentRunId, attrs, total, succeeded, nothingToRemove, skipped, failed, notSent, pending, withValues, cancelRequested, error } = run;
  return { id, kind, source, appId, status, createdAt, finishedAt, parentRunId, attrs, total, succeeded, nothingToRemove, skipped, failed, notSent, pending, withValues, cancelRequested, error };
}
