import 'server-only';
import { isLive } from '../tokens/tokens';
import type { AuditFilter } from '../audit/types';
import type { UseCaseContext } from '../use-cases/context';

export function auditEntries(ctx: UseCaseContext, filter: AuditFilter) {
  return ctx.store.audit.list(filter);
}

export async function operatorsWithLockouts(ctx: UseCaseContext) {
  const [locked, operators] = await Promise.all([ctx.store.operators.lockedOut(ctx.clock.nowMs()), ctx.store.operators.list()]);
  return operators.map((o) => ({ ...o, lockedOut: locked.has(o.username) }));
}

/** Every API token, live ones first, as /operators lists them: never the token, which no one keeps. */
export async function apiTokens(ctx: UseCaseContext) {
  const nowMs = ctx.clock.nowMs();
  return (await ctx.store.tokens.list()).map((t) => ({ ...t, live: isLive(t, nowMs) }));
}
