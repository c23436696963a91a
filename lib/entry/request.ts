import 'server-only';
import { cookies, headers } from 'next/headers';
import { forbidden, redirect } from 'next/navigation';
import { cache } from 'react';
import { getConfig } from '../config';
import { clientAddress, forwardedHttps } from '../auth/client-address';
import type { Operator } from '../auth/types';
import { hasRole, type Role } from '../auth/roles';
import { SESSION_COOKIE, sessionLimits } from '../auth/sessions';
import { runtime } from './runtime';

/**
 * The glue between Next.js requests and lib/auth: every page, server action and route handler
 * asks one of these first. The proxy only checks that a signed cookie is present; this is the
 * real check (session in the database, not idle or too old, operator enabled, role high enough).
 * Once per request: the layout, the page and the reader's language all ask.
 */
export const currentOperator = cache(async (): Promise<Operator | null> => {
  const config = getConfig();
  const value = (await cookies()).get(SESSION_COOKIE)?.value;
  return runtime().store.sessions.resolve(value, { secret: config.sessionSecret.reveal(), ...sessionLimits(config) });
});

/** The client's address as the outermost trusted proxy saw it (TRUSTED_PROXY_HOPS), or null. */
export async function clientIp(): Promise<string | null> {
  return clientAddress((await headers()).get('x-forwarded-for'), getConfig().trustedProxyHops);
}

/** Whether a trusted proxy says the client came over HTTPS (TRUSTED_PROXY_HOPS); decides the cookie's `Secure`. */
export async function isHttps(): Promise<boolean> {
  return forwardedHttps((await headers()).get('x-forwarded-proto'), getConfig().trustedProxyHops);
}

/** For pages: not signed in → /login; signed in without the role → 403 page. */
export async function requirePageRole(role: Role, from: string): Promise<Operator> {
  const operator = await currentOperator();
  if (!operator) redirect(`/login?next=${encodeURIComponent(from)}`);
  if (!hasRole(operator.role, role)) forbidden();
  return operator;
}
