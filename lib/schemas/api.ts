import { z } from 'zod';
import { RUN_STATUSES } from '../runs/state-machine';

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
  })
  .register(apiSchemas, { id: 'Problem' });

export type ApiRun = z.infer<typeof apiRunSchema>;
export type ApiRunStatus = z.infer<typeof apiRunStatusSchema>;
export type ApiApps = z.infer<typeof apiAppsSchema>;
