import 'server-only';
import type { AppError } from '../errors';
import { parseIn } from '../messages/active';
import { apiRun } from '../schemas/api';
import { canSeeValues } from '../queries/runs';
import type { RunUser } from '../runs/types';
import { apiExportQuerySchema, apiStartRunSchema, apiTypedSchema, apiUsersQuerySchema } from '../schemas/api';
import { csvStream, lineStream } from '../csv/export';
import { exportRun } from '../use-cases/export-run';
import { runRefSchema } from '../schemas/bulk';
import { removeFormSchema } from '../schemas/remove-form';
import { cancelRun } from '../use-cases/cancel-run';
import type { UseCaseContext } from '../use-cases/context';
import type { ApiAnswer } from '../use-cases/idempotent';
import { checkNow, removeNow } from '../use-cases/remove-now';
import { restoreRemoved } from '../use-cases/restore-run';
import { retryFailed } from '../use-cases/retry-failed';
import { answer, apiRespond, fieldText, problemAnswer } from './answer';

/**
 * The API's runs over the same use cases as the pages, with the same schemas: what the form
 * refuses, the API refuses with the same code and words.
 */

function invalid(ctx: UseCaseContext, fieldErrors: Record<string, string[] | undefined>): ApiAnswer {
  return problemAnswer({ code: 'input.invalid' }, ctx.messages, { errors: fieldText(fieldErrors) });
}

const refused = (ctx: UseCaseContext, error: AppError) => problemAnswer(error, ctx.messages);

/** A removal or dry run of up to 1,000 users, sent within the request as the form's is: answered once it has finished. */
export async function startRunNow(ctx: UseCaseContext, raw: unknown, requestKey: string | undefined): Promise<ApiAnswer> {
  const body = parseIn(ctx.messages, apiStartRunSchema, raw);
  if (!body.success) return invalid(ctx, body.fieldErrors);
  const { kind, appId, users, attrs, typedAppName } = body.data;
  const form = parseIn(ctx.messages, removeFormSchema, { userIds: users.join('\n'), attrs, appId, requestKey, typedAppName });
  if (!form.success) {
    // The form's one text of user IDs is the API's list of them.
    const { userIds, ...rest } = form.fieldErrors;
    return invalid(ctx, { ...rest, users: userIds });
  }
  const done = await (kind === 'check' ? checkNow : removeNow)(ctx, form.data);
  return done.ok ? answer(201, { run: apiRun(done.value.run) }) : refused(ctx, done.error);
}

function runRef(ctx: UseCaseContext, params: { runId: string }) {
  const ref = runRefSchema.safeParse(params);
  return ref.success ? ref.data : null;
}

export async function cancelRunNow(ctx: UseCaseContext, params: { runId: string }): Promise<ApiAnswer> {
  const ref = runRef(ctx, params);
  if (!ref) return refused(ctx, { code: 'run.notFound' });
  const done = await cancelRun(ctx, ref);
  if (!done.ok) return refused(ctx, done.error);
  return answer(202, { run: apiRun((await ctx.store.runs.get(ref.runId))!) });
}

export async function retryRun(ctx: UseCaseContext, raw: unknown, params: { runId: string }): Promise<ApiAnswer> {
  const ref = runRef(ctx, params);
  if (!ref) return refused(ctx, { code: 'run.notFound' });
  const body = parseIn(ctx.messages, apiTypedSchema, raw);
  if (!body.success) return invalid(ctx, body.fieldErrors);
  const done = await retryFailed(ctx, { ...ref, typedAppName: body.data.typedAppName });
  return done.ok ? answer(201, done.value) : refused(ctx, done.error);
}

export async function restoreRun(ctx: UseCaseContext, params: { runId: string }): Promise<ApiAnswer> {
  const ref = runRef(ctx, params);
  if (!ref) return refused(ctx, { code: 'run.notFound' });
  const done = await restoreRemoved(ctx, ref);
  return done.ok ? answer(201, done.value) : refused(ctx, done.error);
}

/** A page of a run's users by cursor (their position), optionally of one result; values for operator and admin tokens only. */
export async function runUsersPage(ctx: UseCaseContext, params: { runId: string }, query: URLSearchParams): Promise<ApiAnswer> {
  const ref = runRef(ctx, params);
  const run = ref && (await ctx.store.runs.get(ref.runId));
  if (!run) return refused(ctx, { code: 'run.notFound' });
  const q = parseIn(ctx.messages, apiUsersQuerySchema, Object.fromEntries(query));
  if (!q.success) return invalid(ctx, q.fieldErrors);
  const users = await ctx.store.runs.users(run.id, { afterSeq: q.data.after, limit: q.data.limit, filter: q.data.result ? { result: q.data.result } : {} });
  const values = canSeeValues(ctx);
  const view = (u: RunUser) => ({ seq: u.seq, userId: u.userId, attrs: u.attrs, result: u.result, error: u.failure, ...(values ? { values: u.values } : {}) });
  return answer(200, { users: users.map(view), next: users.length === q.data.limit ? users[users.length - 1]!.seq : null });
}

/** Every user of a run streamed: CSV as the page exports it (with its byte order mark), or NDJSON with the same columns as keys. */
export async function exportAnswer(ctx: UseCaseContext, params: { runId: string }, query: URLSearchParams): Promise<Response> {
  const q = parseIn(ctx.messages, apiExportQuerySchema, Object.fromEntries(query));
  if (!q.success) return apiRespond(invalid(ctx, q.fieldErrors));
  const ref = runRef(ctx, params);
  if (!ref) return apiRespond(refused(ctx, { code: 'run.notFound' }));
  const exported = await exportRun(ctx, { ...ref, failedOnly: q.data.result === 'failed', format: q.data.format });
  if (!exported.ok) return apiRespond(refused(ctx, exported.error));
  const csv = q.data.format === 'csv';
  return new Response(csv ? csvStream(exported.value.lines) : lineStream(exported.value.lines), {
    headers: {
      'content-type': csv ? 'text/csv; charset=utf-8' : 'application/x-ndjson',
      'content-disposition': `attachment; filename="${exported.value.fileName}"`,
      'cache-control': 'no-store',
    },
  });
}
