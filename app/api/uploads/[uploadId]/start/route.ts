import { problem, route } from '@/lib/entry/route';
import { startUploadSchema } from '@/lib/schemas/upload';
import { startStagedRun } from '@/lib/use-cases/start-staged-run';

export const dynamic = 'force-dynamic';

/** The same start as the page's Confirm removal, for scripts: `{ attrs, requestKey }` as JSON. */
export const POST = route<{ uploadId: string }>('operator', async (ctx, req, params) => {
  const body: unknown = await req.json().catch(() => null);
  const input = startUploadSchema.safeParse({ ...(typeof body === 'object' && body ? body : {}), uploadId: params.uploadId });
  if (!input.success) return problem({ code: 'input.invalid' }, ctx.messages);
  const started = await startStagedRun(ctx, input.data);
  return started.ok ? Response.json(started.value, { status: 201 }) : problem(started.error, ctx.messages);
}, { body: 'application/json' });
