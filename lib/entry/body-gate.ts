import { SESSION_COOKIE, unsealToken } from '../auth/cookie';
import { messagesFor } from '../messages/catalogues';
import { browserLocale, LOCALE_COOKIE } from '../messages/locales';
import { errorMessage } from '../messages/translate';
import type { ErrorCode } from '../errors';
import { signedBearer } from '../tokens/bearer';

/**
 * Which request bodies may be read at all, decided from the request line and headers alone. Both
 * the front server (server.ts), before Next.js reads a byte, and proxy.ts apply it.
 * Pure: no Next.js and no 'server-only', so the front server can load it too.
 */

export type RequestHeaders = { get(name: string): string | null };

/**
 * Next.js's server-action body limit, its 1 MB default; next.config.js sets the proxy's clone limit
 * to the same. A larger declared body is refused: past its limit Next.js answers an action with a
 * 500, and past the clone limit it would hand the route a silently truncated body (so a body of
 * unknown length is refused too).
 */
export const MAX_BODY_BYTES = 1024 * 1024;

/**
 * The sign-in form's body, the one anyone may send: its hidden fields, a username of at most 64
 * characters and a password of at most 256 take a few KiB. Anything near this is not a sign-in,
 * and 200 of them sent slowly hold a few MB, not 200.
 */
export const MAX_SIGN_IN_BODY_BYTES = 16 * 1024;

export const SIGN_IN_PATH = '/login';

/** The token API: its handlers check the bearer token themselves (lib/entry/api-route.ts). */
export const API_PATH = '/api/v1';

/** The upload route streams its body and checks the session itself, so proxy.ts leaves it out. */
export const UPLOAD_PATH = '/api/uploads';
/** The API's upload route, the same for a token. */
export const API_UPLOAD_PATH = '/api/v1/uploads';

export type BodyRefusal = {
  status: 401 | 411 | 413;
  code: Extract<ErrorCode, 'request.signInFirst' | 'api.tokenMissing' | 'api.tokenInvalid' | 'request.lengthRequired' | 'request.tooLarge'>;
  params?: { limit: string };
};

const WITHOUT_BODY = new Set(['GET', 'HEAD']);

export function cookieValue(cookieHeader: string | null, name: string): string | undefined {
  for (const part of (cookieHeader ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

/**
 * Whether the caller shows something this console signed: on /api/v1 a bearer token (the session
 * cookie is never read there), elsewhere the session cookie. Only the database knows whether it
 * still lives.
 */
export function signedCaller(pathname: string, headers: RequestHeaders, secret: string): boolean {
  return isApiPath(pathname) ? signedBearer(headers.get('authorization'), secret) : signedSession(headers.get('cookie'), secret);
}

/** An /api/v1 request without a token this console signed: none sent, or one that is not ours. */
export function noToken(headers: RequestHeaders): BodyRefusal {
  return { status: 401, code: headers.get('authorization') === null ? 'api.tokenMissing' : 'api.tokenInvalid' };
}

export const isApiPath = (pathname: string) => pathname === API_PATH || pathname.startsWith(`${API_PATH}/`);

/** Whether the session cookie carries our signature; only the database knows whether its session lives. */
export function signedSession(cookieHeader: string | null, secret: string): boolean {
  return unsealToken(cookieValue(cookieHeader, SESSION_COOKIE), secret) !== null;
}

/** The sign-in action, posted to its own page by script (its header) or as a plain form before scripts run (multipart). */
export function isSignIn(method: string, pathname: string, headers: RequestHeaders): boolean {
  return method === 'POST' && pathname === SIGN_IN_PATH && (headers.get('next-action') !== null || /^multipart\/form-data\s*;/i.test(headers.get('content-type') ?? ''));
}

/**
 * The refusal for a request whose body must not be read, or null for one that may go on. The real
 * method decides, never an override header; a `next-action` header makes no path public.
 */
export function bodyGate(request: { method: string; pathname: string; headers: RequestHeaders; signedIn: boolean }): BodyRefusal | null {
  const { method, pathname, headers, signedIn } = request;
  if (WITHOUT_BODY.has(method)) return null;
  if (!signedIn && isApiPath(pathname)) return noToken(headers);
  if (!signedIn && !isSignIn(method, pathname, headers)) return { status: 401, code: 'request.signInFirst' };
  if (pathname === UPLOAD_PATH || pathname === API_UPLOAD_PATH) return null;
  // A chunked body's size is known only once it is read, and past the clone limit it would reach
  // the route cut short. Browsers always declare the length of an action's body.
  if (headers.get('transfer-encoding') !== null) return { status: 411, code: 'request.lengthRequired' };
  const limit = signedIn ? MAX_BODY_BYTES : MAX_SIGN_IN_BODY_BYTES;
  if (Number(headers.get('content-length')) > limit) return { status: 413, code: 'request.tooLarge', params: { limit: signedIn ? '1 MB' : '16 KB' } };
  return null;
}

/** Where a refused page or action sends the browser: sign in, then back to what it asked for. */
export function signInPath(pathname: string, search: string): string {
  return `${SIGN_IN_PATH}?${new URLSearchParams({ next: `${pathname}${search}` })}`;
}

/**
 * A refusal as it goes out: the words in the browser's language (its cookie, else Accept-Language:
 * no session is read here). APIs answer JSON; anything else text/plain, exactly that type: Next.js's
 * action client rejects the call with those words then (any other type gives a generic "unexpected
 * response"), or, for an action refused for want of a session, navigates to sign in.
 */
export function refusalResponse(
  refusal: Pick<BodyRefusal, 'params'> & { status: number; code: ErrorCode },
  url: { pathname: string; search: string },
  headers: RequestHeaders,
): { status: number; headers: Record<string, string>; text: string } {
  const { code } = refusal;
  const locale = browserLocale(cookieValue(headers.get('cookie'), LOCALE_COOKIE), headers.get('accept-language'));
  const words = errorMessage(refusal, messagesFor(locale));
  if (isApiPath(url.pathname)) {
    const problem = { type: `urn:tim-console:problem:${code}`, title: words, status: refusal.status, code, detail: words, ...(refusal.params ? { params: refusal.params } : {}) };
    return { status: refusal.status, headers: { 'content-type': 'application/problem+json', 'www-authenticate': 'Bearer' }, text: JSON.stringify(problem) };
  }
  if (url.pathname.startsWith('/api/')) return { status: refusal.status, headers: { 'content-type': 'application/json' }, text: JSON.stringify({ code, error: words }) };
  const out: Record<string, string> = { 'content-type': 'text/plain; charset=utf-8' };
  if (refusal.status === 401 && headers.get('next-action') !== null) out['x-action-redirect'] = signInPath(url.pathname, url.search);
  return { status: refusal.status, headers: out, text: words };
}
