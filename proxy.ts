import { NextResponse, type NextRequest } from 'next/server';
import { messagesFor } from './lib/messages/catalogues';
import { browserLocale, LOCALE_COOKIE } from './lib/messages/locales';
import { errorMessage } from './lib/messages/translate';
import type { ErrorCode } from './lib/use-cases/result';
import { forwardedHttps } from './lib/auth/client-address';
import { SESSION_COOKIE, unsealToken } from './lib/auth/cookie';
import { trustedProxyHops } from './lib/trusted-proxy-hops';

function securityHeaders(nonce: string, https: boolean): Record<string, string> {
  // Scripts only from us, and inline ones only with this request's nonce (Next.js adds it to its
  // own). Inline style attributes stay allowed: React sets the progress bar's width that way.
  const csp = [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self'",
    "connect-src 'self'",
    // The CSV preview's Web Worker: 'strict-dynamic' above does not cover workers.
    "worker-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
  return {
    'Content-Security-Policy': csp,
    'Referrer-Policy': 'same-origin',
    'X-Content-Type-Options': 'nosniff',
    'X-Frame-Options': 'DENY',
    ...(https ? { 'Strict-Transport-Security': 'max-age=31536000; includeSubDomains' } : {}),
  };
}

/** What anyone may GET: the sign-in page, the health check and static files. */
const PUBLIC_PATHS = ['/login', '/api/health', '/_next/static', '/_next/image', '/favicon.ico', '/template.csv'];

/** The only request with a body that needs no session: the sign-in action, posted to its own page, by script or as a plain form. */
const SIGN_IN_PATH = '/login';

/**
 * Next.js's server-action body limit, its 1 MB default; next.config.js sets the proxy's clone limit
 * to the same. A larger declared body is refused here: past its limit Next.js answers an action
 * with a 500, and past the clone limit it would hand the route a silently truncated body (so a
 * body of unknown length is refused too).
 */
const MAX_BODY_BYTES = 1024 * 1024;

/**
 * Security headers on every response, and a first gate: without a validly signed session cookie,
 * pages redirect to /login, API routes answer 401, and anything with a body (every method but GET
 * and HEAD) is refused unread, except the sign-in action. Next.js still takes such a body in to its
 * end before this answer leaves, keeping no more of it than the clone limit (next.config.js).
 * Pages, actions and route handlers still check the session and role themselves
 * (lib/auth/request.ts): a cookie can be signed and still belong to a session that has ended,
 * which only the database knows.
 */
export function proxy(request: NextRequest) {
  const nonce = Buffer.from(crypto.randomUUID()).toString('base64');
  const https = forwardedHttps(request.headers.get('x-forwarded-proto'), trustedProxyHops(process.env.TRUSTED_PROXY_HOPS));
  const headers = securityHeaders(nonce, https);

  let response = gate(request);
  if (!response) {
    const forwarded = new Headers(request.headers);
    forwarded.set('x-nonce', nonce);
    forwarded.set('Content-Security-Policy', headers['Content-Security-Policy']!);
    response = NextResponse.next({ request: { headers: forwarded } });
  }
  for (const [k, v] of Object.entries(headers)) response.headers.set(k, v);
  return response;
}

/** The answer for a request that goes no further, or null for one that may. */
function gate(request: NextRequest): NextResponse | null {
  const { pathname, search } = request.nextUrl;
  const signedIn = unsealToken(request.cookies.get(SESSION_COOKIE)?.value, process.env.SESSION_SECRET ?? '') !== null;
  const api = pathname.startsWith('/api/');
  const signInPage = new URL(SIGN_IN_PATH, request.url);
  signInPage.searchParams.set('next', `${pathname}${search}`);

  if (request.method === 'GET' || request.method === 'HEAD') {
    if (signedIn || PUBLIC_PATHS.some((p) => pathname === p || pathname.startsWith(`${p}/`))) return null;
    return api ? refuse(request, true, 401, 'request.signInFirst') : NextResponse.redirect(signInPage);
  }

  // The real method decides, never an override header; a `next-action` header makes no path public.
  // The sign-in form posted before the page is interactive (or with scripts off) carries its action
  // in a multipart body instead of the header.
  const contentType = request.headers.get('content-type') ?? '';
  const signingIn = request.method === 'POST' && pathname === SIGN_IN_PATH && (request.headers.has('next-action') || /^multipart\/form-data\s*;/i.test(contentType));
  if (!signedIn && !signingIn) {
    const refusal = refuse(request, api, 401, 'request.signInFirst');
    // Next.js's action client navigates there instead of failing the call.
    if (!api && request.headers.has('next-action')) refusal.headers.set('x-action-redirect', `${signInPage.pathname}${signInPage.search}`);
    return refusal;
  }
  // A chunked body's size is known only once it is read, and past the clone limit it would reach
  // the route cut short. Browsers always declare the length of an action's body.
  if (request.headers.has('transfer-encoding')) return refuse(request, api, 411, 'request.lengthRequired');
  if (Number(request.headers.get('content-length')) > MAX_BODY_BYTES) return refuse(request, api, 413, 'request.tooLarge');
  return null;
}

/**
 * APIs answer JSON. Anything else answers text/plain, exactly that type: Next.js's action client
 * rejects the call with those words then (any other type gives a generic "unexpected response").
 */
function refuse(request: NextRequest, api: boolean, status: number, code: ErrorCode): NextResponse {
  // No session is read here, so the browser's choice (its cookie, else Accept-Language) decides the words.
  const locale = browserLocale(request.cookies.get(LOCALE_COOKIE)?.value, request.headers.get('accept-language'));
  const words = errorMessage({ code }, messagesFor(locale));
  return api ? NextResponse.json({ code, error: words }, { status }) : new NextResponse(words, { status, headers: { 'content-type': 'text/plain; charset=utf-8' } });
}

export const config = {
  // Everything goes through the gate, static files too: Next.js runs server actions on any path
  // it answers with the not-found page, so a POST to a path left out here would reach them
  // unchecked. Only /api/uploads is left out: it checks the session itself before it streams a body
  // this proxy must not clone (next.config.js).
  matcher: ['/((?!api/uploads$).*)'],
};
