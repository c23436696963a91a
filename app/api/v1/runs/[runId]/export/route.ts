import { apiRoute } from '@/lib/entry/api-route';
import { exportAnswer } from '@/lib/api/runs';

export const dynamic = 'force-dynamic';

export const GET = apiRoute<{ runId: string }>('viewer', 'GET /runs/{runId}/export', (ctx, req, params) => exportAnswer(ctx, params, new URL(req.url).searchParams));
