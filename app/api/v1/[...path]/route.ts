import { apiProblem } from '@/lib/entry/api-route';
import { messagesFor } from '@/lib/messages/catalogues';
import { negotiateLocale } from '@/lib/messages/locales';

export const dynamic = 'force-dynamic';

/** Any other path under /api/v1: a problem in JSON, never the console's HTML 404 page. */
function notFound(req: Request): Response {
  const messages = messagesFor(negotiateLocale(req.headers.get('accept-language')));
  return apiProblem({ code: 'api.notFound', params: { path: new URL(req.url).pathname } }, messages);
}

export { notFound as GET, notFound as POST, notFound as PUT, notFound as PATCH, notFound as DELETE };
