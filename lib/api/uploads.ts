import 'server-only';
import { ISSUES_SHOWN } from '../csv/limits';
import { parseIn } from '../messages/active';
import { apiStartUploadSchema } from '../schemas/api';
import { newRequestKey } from '../schemas/request-key';
import { startUploadSchema, uploadIdSchema, uploadTargetSchema } from '../schemas/upload';
import type { UseCaseContext } from '../use-cases/context';
import type { ApiAnswer } from '../use-cases/idempotent';
import { stageUpload, stagedView } from '../use-cases/stage-upload';
import { startStagedRun } from '../use-cases/start-staged-run';
import { answer, fieldText, problemAnswer } from './answer';

/**
 * A CSV file as the request body, streamed into the same staged upload as the page's, with the same
 * limits: the preview comes back as JSON once the file has been read. Nothing is sent until start.
 */
export async function stageAnswer(ctx: UseCaseContext, req: Request): Promise<ApiAnswer> {
  const query = new URL(req.url).searchParams;
  const target = parseIn(ctx.messages, uploadTargetSchema, { appId: query.get('appId') ?? '', name: query.get('name') ?? 'upload.csv' });
  if (!target.success) return problemAnswer({ code: 'input.invalid' }, ctx.messages, { errors: fieldText(target.fieldErrors) });
  if (!req.body) return problemAnswer({ code: 'upload.empty' }, ctx.messages);
  const length = req.headers.get('content-length');
  const declaredBytes = length !== null && /^\d+$/.test(length) ? Number(length) : null;
  const staged = await stageUpload(ctx, target.data, { declaredBytes, chunks: req.body as unknown as AsyncIterable<Uint8Array> });
  if (!staged.ok) return problemAnswer(staged.error, ctx.messages);
  // A file with no valid row is answered with its preview, but nothing was kept.
  return answer(staged.value.id === null ? 200 : 201, staged.value);
}

export async function uploadAnswer(ctx: UseCaseContext, params: { uploadId: string }): Promise<ApiAnswer> {
  const id = uploadIdSchema.safeParse(params.uploadId);
  const upload = id.success ? await ctx.store.uploads.get(id.data) : null;
  if (!upload || upload.status !== 'staged') return problemAnswer({ code: 'upload.notFound' }, ctx.messages);
  return answer(200, stagedView(upload, await ctx.store.uploads.issues(upload.id, { limit: ISSUES_SHOWN })));
}

/** Starts a staged upload as a removal or a dry run, running in the background: poll GET /runs/{runId}. */
export async function startUploadAnswer(ctx: UseCaseContext, raw: unknown, params: { uploadId: string }, requestKey: string | undefined): Promise<ApiAnswer> {
  const body = parseIn(ctx.messages, apiStartUploadSchema, raw);
  if (!body.success) return problemAnswer({ code: 'input.invalid' }, ctx.messages, { errors: fieldText(body.fieldErrors) });
  const input = parseIn(ctx.messages, startUploadSchema, { ...body.data, uploadId: params.uploadId, requestKey: requestKey ?? newRequestKey() });
  if (!input.success) return problemAnswer({ code: 'input.invalid' }, ctx.messages, { errors: fieldText(input.fieldErrors) });
  const started = await startStagedRun(ctx, input.data);
  return started.ok ? answer(201, started.value) : problemAnswer(started.error, ctx.messages);
}
