import { z } from 'zod';
import { USER_RESULTS } from '../runs/state-machine';
import { APP_ID_PATTERN } from './apps';

/** What Next.js hands a page: a key given twice arrives as an array. */
export type RawSearchParams = Record<string, string | string[] | undefined>;

/**
 * A query parameter that never throws: a repeated, malformed or out-of-range value is treated as
 * absent, so a crafted URL shows the page's default view instead of a 500.
 */
export function param<T extends z.ZodType>(schema: T) {
  return z.preprocess((v) => (typeof v === 'string' ? v : undefined), schema.optional()).catch(undefined);
}

export function readSearchParams<S extends z.ZodObject>(schema: S, raw: RawSearchParams): z.output<S> {
  return schema.parse(raw);
}

const trimmed = (max: number) => z.string().trim().min(1).max(max);
const positiveId = z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER);

const appRef = z.string().regex(APP_ID_PATTERN);

export const historySearchSchema = z.object({ user: param(trimmed(256)), app: param(appRef) });

export const runsApiSearchSchema = z.object({ app: param(appRef) });

export const runPageSearchSchema = z.object({
  after: param(positiveId),
  /** Position of the page's first row in the filtered list, for "501–1,000 of 18,000" (keyset paging knows only a seq). */
  from: param(positiveId),
  result: param(z.enum(USER_RESULTS)),
  error: param(trimmed(64)),
  /** A dry run's User / Attribute / Current value table, narrowed to one user. */
  user: param(trimmed(256)),
});

export const auditSearchSchema = z.object({
  action: param(trimmed(64)),
  operator: param(trimmed(64)),
  before: param(positiveId),
});

export const exportSearchSchema = z.object({ only: param(z.enum(['failed'])) });

export const bulkSearchSchema = z.object({ run: param(positiveId) });

export const loginSearchSchema = z.object({ next: param(z.string().max(2048)) });
