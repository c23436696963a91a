import 'server-only';
import type { Role } from '../auth/roles';
import { signIn } from './sign-in-check';
import type { SignInInput } from '../schemas/sign-in';
import type { PublicContext, UseCaseContext } from './context';
import { fail, ok, type Result } from '../errors';

/**
 * Lockout, password check and session, all audited. The cookies are the adapter's to read and
 * set: the known-device cookie the browser sent (lib/auth/known-device.ts), and on success the
 * session and a known-device cookie issued anew.
 */
export async function signInOperator(
  ctx: PublicContext,
  input: SignInInput & { clientIp: string | null; knownDevice: string | undefined },
): Promise<Result<{ cookie: string; knownDevice: string; role: Role }>> {
  const result = await signIn(ctx.store, input, { secret: ctx.sessionSecret.reveal(), nowMs: ctx.clock.nowMs() });
  return result.ok ? ok({ cookie: result.cookie, knownDevice: result.knownDevice, role: result.operator.role }) : fail(result.code);
}

export async function signOutOperator(ctx: UseCaseContext | PublicContext, cookie: string | undefined): Promise<Result<null>> {
  const entry = 'actor' in ctx ? ({ action: 'sign-out', operator: ctx.actor.username, clientIp: ctx.actor.clientIp } as const) : null;
  await ctx.store.sessions.end(cookie, ctx.sessionSecret.reveal(), entry);
  return ok(null);
}
