import 'server-only';
import { log } from '../log';
import { messagesFor } from '../messages/catalogues';
import { apiRun } from '../schemas/api';
import type { Secret } from '../secret';
import type { Store } from '../store/store';
import { deliveryBody } from '../webhooks/payload';
import { openUrl } from '../webhooks/sealed-url';
import { postTo } from '../webhooks/post';
import { hookSecret, sign, SIGNATURE_HEADER, TIMESTAMP_HEADER } from '../webhooks/signature';
import { resolveTarget, type TargetPolicy } from '../webhooks/target';
import type { DeliveryOutcome, DueDelivery } from '../webhooks/types';

/** After the first try, a failed delivery is tried again after each of these; then it is given up. */
export const RETRY_AFTER_MS = [60_000, 5 * 60_000, 30 * 60_000, 2 * 3_600_000, 6 * 3_600_000];
const TIMEOUT_MS = 10_000;
/** A claimed delivery's next try moves this far on, past any send's time: only a sender that died leaves it to another. */
const CLAIM_MS = 3 * TIMEOUT_MS;
const BATCH = 20;

export interface WebhookSenderDeps {
  store: Store;
  sessionSecret: Secret;
  policy: TargetPolicy;
  publicUrl: string | null;
  nowMs?: () => number;
}

/** One pass: every delivery due now, each claimed so that no other sender (in any process) sends it too. */
export async function sendDueWebhooks(deps: WebhookSenderDeps): Promise<number> {
  const now = deps.nowMs ?? Date.now;
  const due = await deps.store.webhooks.claimDue(now(), BATCH, CLAIM_MS);
  for (const delivery of due) await deps.store.webhooks.record(delivery.id, await attempt(deps, delivery, now()), now());
  return due.length;
}

async function attempt(deps: WebhookSenderDeps, sealed: DueDelivery, nowMs: number): Promise<DeliveryOutcome> {
  const url = openUrl(sealed.hook.url, deps.sessionSecret.reveal());
  // Sealed under another SESSION_SECRET: no try can ever reach it, so it is given up at once.
  if (url === null) return { body: sealed.body ?? '', status: null, error: 'webhooks.url', delivered: false, nextMs: null };
  const delivery = { ...sealed, hook: { ...sealed.hook, url } };
  const body = delivery.body ?? (await firstBody(deps, delivery));
  const retry = (error: string, status: number | null = null): DeliveryOutcome => {
    const wait = RETRY_AFTER_MS[delivery.attempts];
    log.warn('webhook.failed', { deliveryId: delivery.id, hookId: delivery.hook.id, attempt: delivery.attempts + 1, status, error, retryInMs: wait ?? null });
    return { body, status, error, delivered: false, nextMs: wait === undefined ? null : nowMs + wait };
  };
  // Checked at every try, not once: the name may resolve elsewhere by now.
  const target = await resolveTarget(delivery.hook.url, deps.policy);
  if (!target.ok) return retry(target.refusal);
  const timestampS = Math.floor(nowMs / 1000);
  const posted = await postTo(
    target,
    body,
    {
      'content-type': 'application/json',
      'user-agent': 'tim-push-attr-console',
      [TIMESTAMP_HEADER]: String(timestampS),
      [SIGNATURE_HEADER]: sign(hookSecret(deps.sessionSecret.reveal(), delivery.hook.salt), timestampS, body),
    },
    TIMEOUT_MS,
  );
  if ('error' in posted) return retry(`${posted.error}: ${posted.detail}`);
  if (posted.status < 200 || posted.status >= 300) return retry(`http ${posted.status}`, posted.status);
  log.info('webhook.delivered', { deliveryId: delivery.id, hookId: delivery.hook.id, status: posted.status });
  return { body, status: posted.status, error: null, delivered: true, nextMs: null };
}

async function firstBody(deps: WebhookSenderDeps, delivery: DueDelivery): Promise<string> {
  const run = (await deps.store.runs.get(delivery.runId))!;
  const link = `${deps.publicUrl ?? ''}/history/${run.id}`;
  return deliveryBody(delivery.hook, delivery.event, apiRun(run), link, messagesFor(delivery.hook.locale));
}

/** Every few seconds, in every process: claims keep two senders off one delivery. */
export function startWebhookSender(deps: WebhookSenderDeps, everyMs = 2_000): () => void {
  let busy = false;
  const timer = setInterval(() => {
    if (busy) return;
    busy = true;
    sendDueWebhooks(deps)
      .catch((err: unknown) => log.warn('webhook.pass-failed', { error: err instanceof Error ? err.message : String(err) }))
      .finally(() => (busy = false));
  }, everyMs);
  timer.unref();
  return () => clearInterval(timer);
}
