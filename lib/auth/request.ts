import 'server-only';
import { cookies, headers } from 'next/headers';
import { forbidden, redirect } from 'next/navigation';
import { getConfig } from '../config';
import { getRuntime } from '../runtime';
import { clientAddress } from './client-address';
import type { Operator } from './operators';
import { hasRole, type Role } from './roles';
import { resolveSession, SESSION_COOKIE, sessionLimits } from './sessions';

/**
 * The glue between Next.js requests and lib/auth: every page, server action and route handler
 * asks one of these first. The proxy only checks that a signed cookie is present; this is the
 * real check (session in the database, not idle or too old, operator enabled, role high enough).
 */
export async function currentOperator(): Promise<Operator | null> {
  const config = getConfig();
  const value = (await cookies()).get(SESSION_COOKIE)?.value;
  return resolveSession(getRuntime().db, value, { secret: config.sessionSecret.reveal(), ...sessionLimits(config) });
}

/** The client's address as the outermost trusted proxy saw it (TRUSTED_PROXY_HOPS), or null. */
export async function clientIp(): Promise<string | null> {
  return clientAddress((await headers()).get('x-forwarded-for'), getConfig().trustedProxyHops);
}

export async function isHttps(): Promise<boolean> {
  return (await headers()).get('x-forwarded-proto') === 'https';
}

/** For pages: not signed in → /login; signed in without the role → 403 page. */
export async function requirePageRole(role: Role, from: string): Promise<Operator> {
  const operator = await currentOperator();
  if (!operator) redirect(`/login?next=${encodeURIComponent(from)}`);
  if (!hasRole(operator.role, role)) forbidden();
  return operator;
}

export type ActionAuth = { ok: true; operator: Operator } | { ok: false; error: string };

/** For server actions, which may be called directly with a crafted request: a typed refusal, never a throw. */
export async function authorizeAction(role: Role): Promise<ActionAuth> {
  const operator = await currentOperator();
  if (!operator) return { ok: false, error: 'Your session has ended. Sign in again.' };
  if (!hasRole(operator.role, role)) return { ok: false, error: `Your role (${operator.role}) cannot do this; it needs ${role}.` };
  return { ok: true, operator };
}

/** For route handlers: the operator, or the 401/403 response to send. */
export async function authorizeRoute(role: Role): Promise<Operator | Response> {
  const operator = await currentOperator();
  if (!operator) return Response.json({ error: 'Sign in first.' }, { status: 401 });
  if (!hasRole(operator.role, role)) return Response.json({ error: 'Not allowed for your role.' }, { status: 403 });
  return operator;
}
