import 'server-only';
import { signIn } from '../auth/sign-in';
import { getConfig } from '../config';
import type { SignInInput } from '../schemas/sign-in';
import type { PublicContext, UseCaseContext } from './context';
import { fail, ok, type Result } from './result';

/** Lockout, password check and session, all audited; the cookie value is the adapter's to set. */
export async function signInOperator(ctx: PublicContext, input: SignInInput & { clientIp: string | null }): Promise<Result<{ cookie: string }>> {
  const result = await signIn(ctx.store, input, { secret: getConfig().sessionSecret.reveal(), nowMs: ctx.clock.nowMs() });
  return result.ok ? ok({ cookie: result.cookie }) : fail(result.code);
}

export async function signOutOperator(ctx: UseCaseContext | PublicContext, cookie: string | undefined): Promise<Result<null>> {
  const entry = 'actor' in ctx ? ({ action: 'sign-out', operator: ctx.actor.username, clientIp: ctx.actor.clientIp } as const) : null;
  await ctx.store.sessions.end(cookie, getConfig().sessionSecret.reveal(), entry);
  return ok(null);
}
