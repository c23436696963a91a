import { problem, route } from '@/lib/entry/route';
import { runStatus } from '@/lib/queries/runs';
import { runRefSchema } from '@/lib/schemas/bulk';

export const dynamic = 'force-dynamic';

/** Lightweight status for the progress bar: one row read, no per-user data. */
export const GET = route<{ runId: string }>('viewer', async (ctx, _req, params) => {
  const ref = runRefSchema.safeParse(params);
  const status = ref.success ? await runStatus(ctx, ref.data.runId) : null;
  return status ? Response.json(status) : problem({ code: 'run.notFound' }, ctx.messages);
});
