import 'server-only';
import { getConfig } from '../config';
import { clientAddress } from '../auth/client-address';
import { hasRole, type Role } from '../auth/roles';
import type { AppError } from '../errors';
import { messagesFor } from '../messages/catalogues';
import { negotiateLocale } from '../messages/locales';
import type { Messages } from '../messages/translate';
import type { ApiToken } from '../tokens/tokens';
import { apiCaller, tokenActorName } from '../use-cases/api-caller';
import type { UseCaseContext } from '../use-cases/context';
import { idempotent, type ApiAnswer } from '../use-cases/idempotent';
import { apiRespond, problemAnswer } from '../api/answer';
import { contextFor, publicContext } from './context';
import { createRateGate } from './rate-gate';
import { mediaType } from './same-origin';

/** Each token's own budget in this process: a runaway script slows itself, not the console. */
const TOKEN_RATE = { perSecond: 20, burst: 60 };
const gates = new Map<number, ReturnType<typeof createRateGate>>();

export function apiProblem(error: AppError, messages: Messages, headers?: Record<string, string>): Response {
  return apiRespond(problemAnswer(error, messages), headers);
}

/**
 * Who calls, checked before anything else is read: a live bearer token (a session cookie is never
 * read here, so no cross-site request can borrow one, and the API needs no CSRF defence), within
 * its own request budget, with the role the route needs. The context acts as that token, in the
 * language of Accept-Language.
 */
async function authorize(req: Request, role: Role, route: string): Promise<{ ctx: UseCaseContext; token: ApiToken } | Response> {
  const messages = messagesFor(negotiateLocale(req.headers.get('accept-language')));
  const clientIp = clientAddress(req.headers.get('x-forwarded-for'), getConfig().trustedProxyHops);
  const caller = await apiCaller(publicContext(messages), { authorization: req.headers.get('authorization'), clientIp, method: req.method, route });
  if (!caller.ok) return apiProblem(caller.error, messages, { 'www-authenticate': 'Bearer' });
  const token = caller.value;
  let gate = gates.get(token.id);
  if (!gate) gates.set(token.id, (gate = createRateGate(TOKEN_RATE)));
  if (!gate.take()) {
    const seconds = Math.max(1, Math.ceil(gate.waitMs() / 1000));
    return apiProblem({ code: 'api.rateLimited', params: { seconds } }, messages, { 'retry-after': String(seconds) });
  }
  if (!hasRole(token.role, role)) return apiProblem({ code: 'auth.forbidden', params: { role: token.role, needed: role } }, messages);
  return { ctx: contextFor({ username: tokenActorName(token), role: token.role, clientIp, appId: null }, messages), token };
}

/** The one way an /api/v1 handler that reads starts. */
export function apiRoute<P>(role: Role, route: string, handle: (ctx: UseCaseContext, req: Request, params: P) => Response | Promise<Response>) {
  return async (req: Request, { params }: { params: Promise<P> }): Promise<Response> => {
    const caller = await authorize(req, role, route);
    return caller instanceof Response ? caller : handle(caller.ctx, req, await params);
  };
}

/**
 * The one way an /api/v1 handler that changes something starts: as apiRoute, then a JSON body
 * (the front server has held it to 1 MB), then its Idempotency-Key, then the handler.
 */
export function apiPost<P>(role: Role, route: string, handle: (ctx: UseCaseContext, input: unknown, params: P, requestKey: string | undefined) => Promise<ApiAnswer>) {
  return async (req: Request, { params }: { params: Promise<P> }): Promise<Response> => {
    const caller = await authorize(req, role, route);
    if (caller instanceof Response) return caller;
    const { ctx, token } = caller;
    const text = await req.text();
    if (text.trim() !== '' && mediaType(req.headers.get('content-type')) !== 'application/json') {
      return apiProblem({ code: 'request.mediaType', params: { type: 'application/json' } }, ctx.messages);
    }
    let input: unknown = {};
    if (text.trim() !== '') {
      try {
        input = JSON.parse(text);
      } catch (err) {
        return apiProblem({ code: 'api.json', params: { detail: err instanceof SyntaxError ? err.message : 'none' } }, ctx.messages);
      }
    }
    const resolved = await params;
    const done = await idempotent(ctx, token, { key: req.headers.get('idempotency-key'), method: req.method, path: new URL(req.url).pathname, body: text }, (requestKey) =>
      handle(ctx, input, resolved, requestKey),
    );
    if (!done.ok) return apiProblem(done.error, ctx.messages);
    return apiRespond(done.value, done.value.replayed ? { 'idempotent-replayed': 'true' } : undefined);
  };
}

/**
 * The one way the streamed upload starts: as apiRoute, with a `text/csv` body read by the handler
 * as it arrives (never buffered). An Idempotency-Key is matched on the path and query only: the
 * same key answers with the upload it staged, without reading the body again.
 */
export function apiUpload(role: Role, route: string, handle: (ctx: UseCaseContext, req: Request) => Promise<ApiAnswer>) {
  return async (req: Request): Promise<Response> => {
    const caller = await authorize(req, role, route);
    if (caller instanceof Response) return caller;
    const { ctx, token } = caller;
    if (mediaType(req.headers.get('content-type')) !== 'text/csv') return apiProblem({ code: 'request.mediaType', params: { type: 'text/csv' } }, ctx.messages);
    const url = new URL(req.url);
    const done = await idempotent(ctx, token, { key: req.headers.get('idempotency-key'), method: req.method, path: `${url.pathname}${url.search}`, body: '' }, () => handle(ctx, req));
    if (!done.ok) return apiProblem(done.error, ctx.messages);
    return apiRespond(done.value, done.value.replayed ? { 'idempotent-replayed': 'true' } : undefined);
  };
}
