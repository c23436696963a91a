import { apiPost } from '@/lib/entry/api-route';
import { restoreRun } from '@/lib/api/runs';

export const dynamic = 'force-dynamic';

export const POST = apiPost<{ runId: string }>('operator', 'POST /runs/{runId}/restore', (ctx, _input, params) => restoreRun(ctx, params));
