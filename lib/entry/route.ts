import 'server-only';
import { currentOperator } from './request';
import { csvStream } from '../csv/export';
import { hasRole, type Role } from '../auth/roles';
import { errorMessage, type Messages } from '../messages/translate';
import type { UseCaseContext } from '../use-cases/context';
import { requestMessages } from './locale';
import { operatorContext } from './operator-context';
import type { AppError } from '../errors';
import { mediaType, sameOriginOrNoBrowser } from './same-origin';
import { HTTP_STATUS } from '../api/http-status';

/** A JSON refusal with the code and its words, the status following the code. */
export function problem(error: AppError, messages: Messages): Response {
  return Response.json({ code: error.code, error: errorMessage(error, messages) }, { status: HTTP_STATUS[error.code] ?? 400 });
}

/** What a route that changes state takes as its body; a cross-site form can send neither type. */
export type BodyType = 'application/json' | 'text/csv';

const SAFE_METHODS = new Set(['GET', 'HEAD']);

/**
 * The one way a route handler starts: a request that changes state comes from the console's own
 * pages and carries the body type the route reads, then who is calling and may they, then the
 * handler with a use-case context.
 */
export function route<P>(role: Role, handle: (ctx: UseCaseContext, req: Request, params: P) => Response | Promise<Response>, accepts?: { body: BodyType }) {
  return async (req: Request, { params }: { params: Promise<P> }): Promise<Response> => {
    if (!SAFE_METHODS.has(req.method)) {
      if (!sameOriginOrNoBrowser(req.headers)) return problem({ code: 'request.crossOrigin' }, await requestMessages());
      if (accepts && mediaType(req.headers.get('content-type')) !== accepts.body) return problem({ code: 'request.mediaType', params: { type: accepts.body } }, await requestMessages());
    }
    const operator = await currentOperator();
    if (!operator) return problem({ code: 'auth.signedOut' }, await requestMessages());
    if (!hasRole(operator.role, role)) return problem({ code: 'auth.forbidden', params: { role: operator.role, needed: role } }, await requestMessages());
    return handle(await operatorContext(operator), req, await params);
  };
}

/** A CSV download streamed line group by line group, so a million rows never sit in memory. */
export function csvDownload(fileName: string, lines: AsyncIterable<string>): Response {
  return new Response(csvStream(lines), {
    headers: {
      'content-type': 'text/csv; charset=utf-8',
      'content-disposition': `attachment; filename="${fileName}"`,
      'cache-control': 'no-store',
    },
  });
}
