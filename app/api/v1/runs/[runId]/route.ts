import { apiProblem, apiRoute } from '@/lib/entry/api-route';
import { apiRunStatus } from '@/lib/queries/api';
import { runRefSchema } from '@/lib/schemas/bulk';

export const dynamic = 'force-dynamic';

export const GET = apiRoute<{ runId: string }>('viewer', 'GET /runs/{runId}', async (ctx, _req, params) => {
  const ref = runRefSchema.safeParse(params);
  const status = ref.success ? await apiRunStatus(ctx, ref.data.runId) : null;
  return status ? Response.json(status) : apiProblem({ code: 'run.notFound' }, ctx.messages);
});
