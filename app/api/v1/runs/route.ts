import { apiPost } from '@/lib/entry/api-route';
import { startRunNow } from '@/lib/api/runs';

export const dynamic = 'force-dynamic';

export const POST = apiPost('operator', 'POST /runs', (ctx, input, _params, requestKey) => startRunNow(ctx, input, requestKey));
