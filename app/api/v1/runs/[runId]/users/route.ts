import { apiRoute } from '@/lib/entry/api-route';
import { apiRespond } from '@/lib/api/answer';
import { runUsersPage } from '@/lib/api/runs';

export const dynamic = 'force-dynamic';

export const GET = apiRoute<{ runId: string }>('viewer', 'GET /runs/{runId}/users', async (ctx, req, params) => apiRespond(await runUsersPage(ctx, params, new URL(req.url).searchParams)));
