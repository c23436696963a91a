import { apiRoute } from '@/lib/entry/api-route';
import { apiRespond } from '@/lib/api/answer';
import { uploadAnswer } from '@/lib/api/uploads';

export const dynamic = 'force-dynamic';

export const GET = apiRoute<{ uploadId: string }>('operator', 'GET /uploads/{uploadId}', async (ctx, _req, params) => apiRespond(await uploadAnswer(ctx, params)));
