import 'server-only';
import { randomBytes } from 'node:crypto';
import type { AddWebhookInput } from '../schemas/webhooks';
import { hookSecret } from '../webhooks/signature';
import { resolveTarget } from '../webhooks/target';
import { sealUrl } from '../webhooks/sealed-url';
import { shownUrl, shownWebhookUrl } from '../webhooks/shown-url';
import type { Webhook } from '../webhooks/types';
import type { UseCaseContext } from './context';
import { fail, ok, type Result } from '../errors';

/**
 * A webhook, refused unless its URL is https (or http to this machine, when allowed) and its name
 * resolves to public addresses only. Its signing secret is shown this once: it is derived from
 * SESSION_SECRET and the hook's salt, and kept nowhere. Its URL is kept sealed (sealed-url.ts).
 */
export async function addWebhook(ctx: UseCaseContext, input: AddWebhookInput): Promise<Result<{ hook: Webhook; secret: string }>> {
  const target = await resolveTarget(input.url, ctx.webhookPolicy);
  if (!target.ok) return fail(target.refusal, {}, { url: { code: target.refusal } });
  const salt = randomBytes(16).toString('base64url');
  const { actor } = ctx;
  const url = target.url.href;
  const hook = await ctx.store.webhooks.add({ url: sealUrl(url, ctx.sessionSecret.reveal()), locale: input.locale, salt, createdBy: actor.username }, () => ({
    operator: actor.username,
    clientIp: actor.clientIp,
    action: 'webhook-added',
    detail: { url: shownUrl(url) },
  }));
  return ok({ hook, secret: hookSecret(ctx.sessionSecret.reveal(), salt) });
}

export async function removeWebhook(ctx: UseCaseContext, input: { id: number }): Promise<Result<{ url: string }>> {
  const { actor } = ctx;
  const shown = (h: Webhook) => shownWebhookUrl(h, ctx.sessionSecret.reveal());
  const removed = await ctx.store.webhooks.remove(input.id, (h) => ({ operator: actor.username, clientIp: actor.clientIp, action: 'webhook-removed', detail: { url: shown(h) } }));
  return removed ? ok({ url: shown(removed) }) : fail('webhooks.notFound');
}
