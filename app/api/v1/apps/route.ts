import { apiRoute } from '@/lib/entry/api-route';
import { apiApps } from '@/lib/queries/api';

export const dynamic = 'force-dynamic';

export const GET = apiRoute('viewer', 'GET /apps', (ctx) => Response.json(apiApps(ctx)));
