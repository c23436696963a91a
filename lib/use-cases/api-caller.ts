import 'server-only';
import { bearerToken, signedBearer } from '../tokens/bearer';
import { isLive, tokenHash, type ApiToken } from '../tokens/tokens';
import type { PublicContext } from './context';
import { fail, ok, type Result } from '../errors';

/**
 * Who calls the API: the live token of the request's `Authorization` header. Every call is
 * audited with the token's name, counted per minute by route so that a script polling a run
 * writes a row a minute, not a row a second.
 */
export async function apiCaller(
  ctx: PublicContext,
  call: { authorization: string | null; clientIp: string | null; method: string; route: string },
): Promise<Result<ApiToken>> {
  const text = bearerToken(call.authorization);
  if (text === null) return fail(call.authorization ? 'api.tokenInvalid' : 'api.tokenMissing');
  // Signed by another SESSION_SECRET (rotated since), or made up: no lookup needed.
  if (!signedBearer(call.authorization, ctx.sessionSecret.reveal())) return fail('api.tokenInvalid');
  const token = await ctx.store.tokens.byHash(tokenHash(text));
  if (!token) return fail('api.tokenInvalid');
  const nowMs = ctx.clock.nowMs();
  if (!isLive(token, nowMs)) return fail('api.tokenExpired');
  await ctx.store.audit.record(
    { action: 'api-call', operator: tokenActorName(token), clientIp: call.clientIp, detail: { token: token.name, method: call.method, route: call.route }, counted: {} },
    nowMs,
  );
  return ok(token);
}

/** How runs and audit rows name what a token did, told apart from an operator's doing by the prefix. */
export function tokenActorName(token: Pick<ApiToken, 'name'>): string {
  return `token:${token.name}`;
}
