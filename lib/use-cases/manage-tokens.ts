import 'server-only';
import type { CreateTokenInput } from '../schemas/tokens';
import { mintToken, type ApiToken } from '../tokens/tokens';
import type { UseCaseContext } from './context';
import { fail, ok, type Result } from '../errors';

const DAY_MS = 86_400_000;

/**
 * A new API token with a role and an end date. Its text is handed back this once and never kept:
 * the store keeps its hash, and the audit row names it.
 */
export async function createToken(ctx: UseCaseContext, input: CreateTokenInput): Promise<Result<{ token: string; apiToken: ApiToken }>> {
  const { store, actor } = ctx;
  const { token, hash } = mintToken(ctx.sessionSecret);
  const expiresAt = new Date(ctx.clock.nowMs() + input.days * DAY_MS).toISOString();
  const made = await store.tokens.create({ name: input.name, role: input.role, hash, createdBy: actor.username, expiresAt }, (t) => ({
    operator: actor.username,
    clientIp: actor.clientIp,
    action: 'token-created',
    detail: { name: t.name, role: t.role, expires: t.expiresAt.slice(0, 10) },
  }));
  return made ? ok({ token, apiToken: made }) : fail('tokens.nameTaken', { name: input.name });
}

/** Takes effect at the next request: every call looks its token up. */
export async function revokeToken(ctx: UseCaseContext, input: { id: number }): Promise<Result<{ name: string }>> {
  const { store, actor } = ctx;
  const revoked = await store.tokens.revoke(input.id, (t) => ({ operator: actor.username, clientIp: actor.clientIp, action: 'token-revoked', detail: { name: t.name } }));
  return revoked ? ok({ name: revoked.name }) : fail('tokens.notFound');
}
