import 'server-only';
import { isLive } from '../tokens/tokens';
import { shownWebhookUrl } from '../webhooks/shown-url';
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

/** Live webhooks, as /operators lists them: the URL without its query (it may hold a key). */
export async function webhooks(ctx: UseCaseContext) {
  return (await ctx.store.webhooks.list()).map((h) => ({ id: h.id, url: shownWebhookUrl(h, ctx.sessionSecret.reveal()), locale: h.locale, createdBy: h.createdBy, last: h.last }));
}
