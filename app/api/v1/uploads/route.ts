import { apiUpload } from '@/lib/entry/api-route';
import { stageAnswer } from '@/lib/api/uploads';

export const dynamic = 'force-dynamic';

/** The front server lets this body through unbuffered for a signed token, and proxy.ts leaves this path alone (next.config.js). */
export const POST = apiUpload('operator', 'POST /uploads', stageAnswer);
