import 'server-only';
import type { Locale } from '../../messages/locales';
import type { RunStatus } from '../../runs/state-machine';
import { eventOf, type DeliveryOutcome, type DueDelivery, type NewWebhook, type Webhook } from '../../webhooks/types';
import type { WebhookEvent } from '../../schemas/api';
import { statement, type Db } from './database';

interface HookRow {
  id: number;
  url: string;
  locale: Locale;
  salt: string;
  created_by: string;
  created_at: string;
  last_ms: number | null;
  last_status: number | null;
  last_error: string | null;
  delivered: number | null;
}

const toHook = (r: HookRow): Webhook => ({
  id: r.id,
  url: r.url,
  locale: r.locale,
  salt: r.salt,
  createdBy: r.created_by,
  createdAt: r.created_at,
  last: r.last_ms === null ? null : { atMs: r.last_ms, status: r.last_status, error: r.last_error, delivered: r.delivered === 1 },
});

const HOOK = `SELECT h.id, h.url, h.locale, h.salt, h.created_by, h.created_at, d.last_ms, d.last_status, d.last_error, d.delivered
  FROM webhooks h LEFT JOIN webhook_deliveries d ON d.id = (SELECT id FROM webhook_deliveries WHERE hook_id = h.id AND last_ms IS NOT NULL ORDER BY last_ms DESC LIMIT 1)`;

export function addWebhook(db: Db, hook: NewWebhook, nowIso: string): Webhook {
  const id = statement(db, 'INSERT INTO webhooks (url, locale, salt, created_by, created_at) VALUES (?, ?, ?, ?, ?)').run(hook.url, hook.locale, hook.salt, hook.createdBy, nowIso)
    .lastInsertRowid as number;
  return toHook(statement(db, `${HOOK} WHERE h.id = ?`).get(id) as HookRow);
}

export function listWebhooks(db: Db): Webhook[] {
  return (statement(db, `${HOOK} WHERE h.removed_at IS NULL ORDER BY h.id`).all() as HookRow[]).map(toHook);
}

/** Compare-and-set: a hook is removed once; its deliveries not yet sent are dropped with it. */
export function removeWebhook(db: Db, id: number, nowIso: string): Webhook | null {
  const changed = statement(db, 'UPDATE webhooks SET removed_at = ? WHERE id = ? AND removed_at IS NULL').run(nowIso, id).changes;
  if (changed === 0) return null;
  statement(db, 'UPDATE webhook_deliveries SET next_ms = NULL WHERE hook_id = ? AND delivered = 0').run(id);
  return toHook(statement(db, `${HOOK} WHERE h.id = ?`).get(id) as HookRow);
}

/** Called in the transaction that ends a run: one delivery per live hook, due at once. */
export function enqueueDeliveries(db: Db, runId: number, status: RunStatus, nowMs: number): void {
  const event = eventOf(status);
  if (event === null) return;
  statement(
    db,
    `INSERT INTO webhook_deliveries (hook_id, run_id, event, next_ms)
     SELECT id, ?, ?, ? FROM webhooks WHERE removed_at IS NULL
     ON CONFLICT DO NOTHING`,
  ).run(runId, event, nowMs);
}

/**
 * Deliveries due now, claimed: each one's next try moves `leaseMs` on in the same transaction, so
 * another sender (in this process or another) skips it while it is being sent, and takes it again
 * only if this sender dies before recording what happened.
 */
export function claimDueDeliveries(db: Db, nowMs: number, limit: number, leaseMs: number): DueDelivery[] {
  return db
    .transaction(() => {
      const rows = statement(
        db,
        `SELECT d.id, d.run_id, d.event, d.body, d.attempts, h.id AS hook_id, h.url, h.locale, h.salt
         FROM webhook_deliveries d JOIN webhooks h ON h.id = d.hook_id
         WHERE d.next_ms IS NOT NULL AND d.next_ms <= ? ORDER BY d.next_ms LIMIT ?`,
      ).all(nowMs, limit) as { id: number; run_id: number; event: WebhookEvent; body: string | null; attempts: number; hook_id: number; url: string; locale: Locale; salt: string }[];
      const claim = statement(db, 'UPDATE webhook_deliveries SET next_ms = ? WHERE id = ? AND next_ms <= ?');
      return rows
        .filter((r) => claim.run(nowMs + leaseMs, r.id, nowMs).changes === 1)
        .map((r) => ({ id: r.id, hook: { id: r.hook_id, url: r.url, locale: r.locale, salt: r.salt }, runId: r.run_id, event: r.event, body: r.body, attempts: r.attempts }));
    })
    .immediate();
}

export function recordDelivery(db: Db, deliveryId: number, outcome: DeliveryOutcome, nowMs: number): void {
  statement(
    db,
    `UPDATE webhook_deliveries SET body = ?, attempts = attempts + 1, last_ms = ?, last_status = ?, last_error = ?, delivered = ?, next_ms = ?
     WHERE id = ?`,
  ).run(outcome.body, nowMs, outcome.status, outcome.error, outcome.delivered ? 1 : 0, outcome.nextMs, deliveryId);
}
