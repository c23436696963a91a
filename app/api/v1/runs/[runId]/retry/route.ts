import { apiPost } from '@/lib/entry/api-route';
import { retryRun } from '@/lib/api/runs';

export const dynamic = 'force-dynamic';

export const POST = apiPost<{ runId: string }>('operator', 'POST /runs/{runId}/retry', (ctx, input, params) => retryRun(ctx, input, params));
