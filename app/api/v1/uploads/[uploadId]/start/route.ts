import { apiPost } from '@/lib/entry/api-route';
import { startUploadAnswer } from '@/lib/api/uploads';

export const dynamic = 'force-dynamic';

export const POST = apiPost<{ uploadId: string }>('operator', 'POST /uploads/{uploadId}/start', startUploadAnswer);
