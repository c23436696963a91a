import { NextResponse, type NextRequest } from 'next/server';
import { forwardedHttps } from './lib/auth/client-address';
import { API_PATH, bodyGate, isApiPath, noToken, refusalResponse, signedCaller, signInPath, type BodyRefusal } from './lib/entry/body-gate';
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

/** What anyone may GET: the sign-in page, the health check, static files and the API's description. */
const PUBLIC_PATHS = ['/login', '/api/health', '/_next/static', '/_next/image', '/favicon.ico', '/template.csv', `${API_PATH}/openapi.json`];

/**
 * Security headers on every response, and a second gate behind the front server's (server.ts,
 * the same `bodyGate`, for what reaches Next.js another way): without a validly signed session
 * cookie, pages redirect to /login, API routes answer 401, and anything with a body is refused
 * unread, except the sign-in action. Pages, actions and route handlers still check the session and
 * role themselves (lib/auth/request.ts): a cookie can be signed and still belong to a session that
 * has ended, which only the database knows.
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
  const signedIn = signedCaller(pathname, request.headers, process.env.SESSION_SECRET ?? '');
  if (request.method === 'GET' || request.method === 'HEAD') {
    if (signedIn || PUBLIC_PATHS.some((p) => pathname === p || pathname.startsWith(`${p}/`))) return null;
    if (isApiPath(pathname)) return refuse(request, noToken(request.headers));
    return pathname.startsWith('/api/') ? refuse(request, { status: 401, code: 'request.signInFirst' }) : NextResponse.redirect(new URL(signInPath(pathname, search), request.url));
  }
  const refusal = bodyGate({ method: request.method, pathname, headers: request.headers, signedIn });
  return refusal ? refuse(request, refusal) : null;
}

function refuse(request: NextRequest, refusal: Pick<BodyRefusal, 'status' | 'code' | 'params'>): NextResponse {
  const { status, headers, text } = refusalResponse(refusal, request.nextUrl, request.headers);
  return new NextResponse(text, { status, headers });
}

export const config = {
  // Everything goes through the gate, static files too: Next.js runs server actions on any path
  // it answers with the not-found page, so a POST to a path left out here would reach them
  // unchecked. Only /api/uploads is left out: it checks the session itself before it streams a body
  // this proxy must not clone (next.config.js); so is /api/v1/uploads, which checks its token.
  matcher: ['/((?!api/uploads$|api/v1/uploads$).*)'],
};
