import { route } from '@/lib/entry/route';
import { recentRuns } from '@/lib/queries/runs';
import { readSearchParams, runsApiSearchSchema } from '@/lib/schemas/search-params';

export const dynamic = 'force-dynamic';

export const GET = route('viewer', async (ctx, req) => {
  const { app } = readSearchParams(runsApiSearchSchema, Object.fromEntries(new URL(req.url).searchParams));
  return Response.json({ runs: await recentRuns(ctx, { appId: app }) });
});
