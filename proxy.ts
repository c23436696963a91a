import { NextResponse, type NextRequest } from 'next/server';
import { forwardedHttps } from './lib/auth/client-address';
import { SESSION_COOKIE, unsealToken } from './lib/auth/cookie';
import { trustedProxyHops } from './lib/trusted-proxy-hops';

const PUBLIC_PATHS = ['/login', '/api/health'];

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

/**
 * Security headers on every response, and a first gate: without a validly signed session cookie,
 * pages redirect to /login and API routes answer 401. Pages, actions and route handlers still check
 * the session and role themselves (lib/auth/request.ts); this only keeps anonymous traffic out early.
 */
export function proxy(request: NextRequest) {
  const nonce = Buffer.from(crypto.randomUUID()).toString('base64');
  const https = forwardedHttps(request.headers.get('x-forwarded-proto'), trustedProxyHops(process.env.TRUSTED_PROXY_HOPS));
  const headers = securityHeaders(nonce, https);
  const { pathname, search } = request.nextUrl;

  const isPublic = PUBLIC_PATHS.some((p) => pathname === p || pathname.startsWith(`${p}/`));
  const secret = process.env.SESSION_SECRET ?? '';
  const signedIn = unsealToken(request.cookies.get(SESSION_COOKIE)?.value, secret) !== null;
  const isAction = request.method === 'POST' && request.headers.has('next-action');

  let response: NextResponse;
  if (isPublic || signedIn || isAction) {
    const forwarded = new Headers(request.headers);
    forwarded.set('x-nonce', nonce);
    forwarded.set('Content-Security-Policy', headers['Content-Security-Policy']!);
    response = NextResponse.next({ request: { headers: forwarded } });
  } else if (pathname.startsWith('/api/')) {
    response = NextResponse.json({ error: 'Sign in first.' }, { status: 401 });
  } else {
    const login = new URL('/login', request.url);
    login.searchParams.set('next', `${pathname}${search}`);
    response = NextResponse.redirect(login);
  }
  for (const [k, v] of Object.entries(headers)) response.headers.set(k, v);
  return response;
}

export const config = {
  // Static files need no session; everything else, pages and APIs alike, goes through the gate.
  matcher: ['/((?!_next/static|_next/image|favicon.ico|template.csv).*)'],
};
