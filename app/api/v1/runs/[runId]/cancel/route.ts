import { apiPost } from '@/lib/entry/api-route';
import { cancelRunNow } from '@/lib/api/runs';

export const dynamic = 'force-dynamic';

export const POST = apiPost<{ runId: string }>('operator', 'POST /runs/{runId}/cancel', (ctx, _input, params) => cancelRunNow(ctx, params));
