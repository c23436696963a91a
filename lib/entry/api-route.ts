import 'server-only';
import { getConfig } from '../config';
import { clientAddress } from '../auth/client-address';
import { hasRole, type Role } from '../auth/roles';
import type { AppError } from '../errors';
import { messagesFor } from '../messages/catalogues';
import { negotiateLocale } from '../messages/locales';
import { errorMessage, type Messages } from '../messages/translate';
import { apiCaller, tokenActorName } from '../use-cases/api-caller';
import type { UseCaseContext } from '../use-cases/context';
import { contextFor, publicContext } from './context';
import { createRateGate } from './rate-gate';
import { HTTP_STATUS } from './http-status';

/** Each token's own budget in this process: a runaway script slows itself, not the console. */
const TOKEN_RATE = { perSecond: 20, burst: 60 };
const gates = new Map<number, ReturnType<typeof createRateGate>>();

/** RFC 9457 problem details: a stable `code` for scripts, and its words in the caller's language. */
export function apiProblem(error: AppError, messages: Messages, headers?: HeadersInit): Response {
  const status = HTTP_STATUS[error.code] ?? 400;
  const detail = errorMessage(error, messages);
  return new Response(JSON.stringify({ type: `urn:tim-console:problem:${error.code}`, title: detail, status, code: error.code, detail, ...(error.params ? { params: error.params } : {}) }), {
    status,
    headers: { 'content-type': 'application/problem+json', 'cache-control': 'no-store', ...headers },
  });
}

/**
 * The one way an /api/v1 handler starts: a live bearer token (a session cookie is never read here,
 * so no cross-site request can borrow one, and the API needs no CSRF defence), within its own
 * request budget, with the role the route needs; then the handler with a use-case context acting
 * as that token, in the language of Accept-Language.
 */
export function apiRoute<P>(role: Role, route: string, handle: (ctx: UseCaseContext, req: Request, params: P) => Response | Promise<Response>) {
  return async (req: Request, { params }: { params: Promise<P> }): Promise<Response> => {
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
    return handle(contextFor({ username: tokenActorName(token), role: token.role, clientIp, appId: null }, messages), req, await params);
  };
}
