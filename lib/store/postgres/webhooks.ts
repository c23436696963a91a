import 'server-only';
import type pg from 'pg';
import type { Locale } from '../../messages/locales';
import type { RunStatus } from '../../runs/state-machine';
import type { WebhookEvent } from '../../schemas/api';
import { eventOf, type DeliveryOutcome, type DueDelivery, type NewWebhook, type Webhook } from '../../webhooks/types';
import type { Db } from './database';

interface HookRow {
  id: number;
  url: string;
  locale: Locale;
  salt: string;
  created_by: string;
  created_at: Date;
  last_ms: number | null;
  last_status: number | null;
  last_error: string | null;
  delivered: boolean | null;
}

const toHook = (r: HookRow): Webhook => ({
  id: r.id,
  url: r.url,
  locale: r.locale,
  salt: r.salt,
  createdBy: r.created_by,
  createdAt: r.created_at.toISOString(),
  last: r.last_ms === null ? null : { atMs: Number(r.last_ms), status: r.last_status, error: r.last_error, delivered: r.delivered === true },
});

const HOOK = `SELECT h.id, h.url, h.locale, h.salt, h.created_by, h.created_at, d.last_ms::float8 AS last_ms, d.last_status, d.last_error, d.delivered
  FROM webhooks h LEFT JOIN LATERAL (
    SELECT last_ms, last_status, last_error, delivered FROM webhook_deliveries WHERE hook_id = h.id AND last_ms IS NOT NULL ORDER BY last_ms DESC LIMIT 1
  ) d ON true`;

export async function addWebhook(db: Db, hook: NewWebhook): Promise<Webhook> {
  const id = (
    await db.query<{ id: number }>('INSERT INTO webhooks (url, locale, salt, created_by, created_at) VALUES ($1, $2, $3, $4, now()) RETURNING id', [
      hook.url,
      hook.locale,
      hook.salt,
      hook.createdBy,
    ])
  ).rows[0]!.id;
  return toHook((await db.query<HookRow>(`${HOOK} WHERE h.id = $1`, [id])).rows[0]!);
}

export async function listWebhooks(db: Db): Promise<Webhook[]> {
  return (await db.query<HookRow>(`${HOOK} WHERE h.removed_at IS NULL ORDER BY h.id`)).rows.map(toHook);
}

/** Compare-and-set: a hook is removed once; its deliveries not yet sent are dropped with it. */
export async function removeWebhook(db: pg.PoolClient, id: number): Promise<Webhook | null> {
  const removed = await db.query('UPDATE webhooks SET removed_at = now() WHERE id = $1 AND removed_at IS NULL', [id]);
  if ((removed.rowCount ?? 0) === 0) return null;
  await db.query('UPDATE webhook_deliveries SET next_ms = NULL WHERE hook_id = $1 AND NOT delivered', [id]);
  return toHook((await db.query<HookRow>(`${HOOK} WHERE h.id = $1`, [id])).rows[0]!);
}

/** In the transaction that ends a run: one delivery per live hook, due at once. */
export async function enqueueDeliveries(db: pg.PoolClient, runId: number, status: RunStatus, nowMs: number): Promise<void> {
  const event = eventOf(status);
  if (event === null) return;
  await db.query(
    `INSERT INTO webhook_deliveries (hook_id, run_id, event, next_ms)
     SELECT id, $1, $2, $3 FROM webhooks WHERE removed_at IS NULL
     ON CONFLICT DO NOTHING`,
    [runId, event, nowMs],
  );
}

/**
 * Deliveries due now, claimed in one statement: rows another sender is claiming are skipped (SKIP
 * LOCKED), and each claimed one's next try moves `leaseMs` on, so no other sender takes it unless
 * this one dies before recording what happened.
 */
export async function claimDueDeliveries(db: Db, nowMs: number, limit: number, leaseMs: number): Promise<DueDelivery[]> {
  const rows = (
    await db.query<{ id: number; run_id: number; event: WebhookEvent; body: string | null; attempts: number; hook_id: number; url: string; locale: Locale; salt: string }>(
      `WITH due AS (
         SELECT id FROM webhook_deliveries WHERE next_ms IS NOT NULL AND next_ms <= $1 ORDER BY next_ms LIMIT $2 FOR UPDATE SKIP LOCKED
       ), claimed AS (
         UPDATE webhook_deliveries d SET next_ms = $1 + $3 FROM due WHERE d.id = due.id
         RETURNING d.id, d.run_id, d.event, d.body, d.attempts, d.hook_id
       )
       SELECT c.*, h.url, h.locale, h.salt FROM claimed c JOIN webhooks h ON h.id = c.hook_id ORDER BY c.id`,
      [nowMs, limit, leaseMs],
    )
  ).rows;
  return rows.map((r) => ({ id: r.id, hook: { id: r.hook_id, url: r.url, locale: r.locale, salt: r.salt }, runId: r.run_id, event: r.event, body: r.body, attempts: r.attempts }));
}

export async function recordDelivery(db: Db, deliveryId: number, outcome: DeliveryOutcome, nowMs: number): Promise<void> {
  await db.query(
    `UPDATE webhook_deliveries SET body = $2, attempts = attempts + 1, last_ms = $3, last_status = $4, last_error = $5, delivered = $6, next_ms = $7
     WHERE id = $1`,
    [deliveryId, outcome.body, nowMs, outcome.status, outcome.error, outcome.delivered, outcome.nextMs],
  );
}
