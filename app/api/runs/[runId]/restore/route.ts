import { problem, route } from '@/lib/entry/route';
import { runRefSchema } from '@/lib/schemas/bulk';
import { restoreRemoved } from '@/lib/use-cases/restore-run';

export const dynamic = 'force-dynamic';

/** The same restore as the run page's Confirm restore, for scripts (a JSON body, `{}` will do): `{ runId, users }` of the restore run. */
export const POST = route<{ runId: string }>('operator', async (ctx, _req, params) => {
  const ref = runRefSchema.safeParse(params);
  if (!ref.success) return problem({ code: 'run.notFound' }, ctx.messages);
  const started = await restoreRemoved(ctx, ref.data);
  return started.ok ? Response.json(started.value, { status: 201 }) : problem(started.error, ctx.messages);
}, { body: 'application/json' });
