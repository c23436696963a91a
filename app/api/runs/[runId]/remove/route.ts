import { problem, route } from '@/lib/entry/route';
import { removeCheckedSchema } from '@/lib/schemas/bulk';
import { removeChecked } from '@/lib/use-cases/remove-from-check';

export const dynamic = 'force-dynamic';

/** The removal a finished dry run leads to, for scripts: `{ requestKey }` as JSON; `{ runId, users }` of the removal. */
export const POST = route<{ runId: string }>('operator', async (ctx, req, params) => {
  const body: unknown = await req.json().catch(() => null);
  const input = removeCheckedSchema.safeParse({ ...(typeof body === 'object' && body ? body : {}), runId: params.runId });
  if (!input.success) return problem({ code: 'input.invalid' }, ctx.messages);
  const started = await removeChecked(ctx, input.data);
  return started.ok ? Response.json(started.value, { status: 201 }) : problem(started.error, ctx.messages);
}, { body: 'application/json' });
