import 'server-only';
import type pg from 'pg';
import { AUDIT_COUNT_NAMES, AUDIT_COUNT_WINDOW_MS } from '../../audit/actions';
import type { AuditAction, AuditDetail, AuditEntry, AuditFilter, AuditInput } from '../../audit/types';
import { lock, type Db } from './database';

/** In the caller's transaction: an audited change and its row commit together. */
export async function audit(db: pg.PoolClient, e: AuditInput, nowMs = Date.now()): Promise<void> {
  if (e.counted) await addToCount(db, e, e.counted.name, nowMs);
  else await insertAudit(db, e, e.detail ?? null, nowMs);
}

async function insertAudit(db: Db, e: AuditInput, detail: AuditDetail | null, nowMs: number): Promise<void> {
  await db.query('INSERT INTO audit_log (at, at_ms, action, operator, client_ip, run_id, detail) VALUES (to_timestamp($1 / 1000.0), $1, $2, $3, $4, $5, $6)', [
    nowMs,
    e.action,
    e.operator,
    e.clientIp,
    e.runId ?? null,
    detail ? JSON.stringify(detail) : null,
  ]);
}

/**
 * Adds one to the counted row of this action, caller and detail in its minute, or starts one.
 * Processes counting the same caller at once take turns behind an advisory lock, so they add to
 * one row instead of each starting its own.
 */
async function addToCount(db: pg.PoolClient, e: AuditInput, name: string | undefined, nowMs: number): Promise<void> {
  const since = nowMs - (nowMs % AUDIT_COUNT_WINDOW_MS);
  const wanted = e.detail ?? {};
  await lock(db, 'auditCount', JSON.stringify([e.action, e.operator, e.clientIp]));
  const rows = (
    await db.query<{ id: number; detail: AuditDetail | null }>(
      `SELECT id, detail FROM audit_log
       WHERE action = $1 AND at_ms >= $2 AND at_ms < $3 AND operator IS NOT DISTINCT FROM $4::text AND client_ip IS NOT DISTINCT FROM $5::text ORDER BY id`,
      [e.action, since, since + AUDIT_COUNT_WINDOW_MS, e.operator, e.clientIp],
    )
  ).rows;
  for (const { id, detail } of rows) {
    if (!detail || typeof detail.count !== 'number' || Object.entries(wanted).some(([k, v]) => detail[k] !== v)) continue;
    const names = typeof detail.names === 'string' && detail.names !== '' ? detail.names.split(', ') : [];
    if (name !== undefined && names.length < AUDIT_COUNT_NAMES && !names.includes(name)) names.push(name);
    const next = { ...detail, count: detail.count + 1, ...(name !== undefined ? { names: names.join(', ') } : {}) };
    await db.query('UPDATE audit_log SET detail = $1 WHERE id = $2', [JSON.stringify(next), id]);
    return;
  }
  await insertAudit(db, e, { ...wanted, count: 1, ...(name !== undefined ? { names: name } : {}) }, nowMs);
}

export async function listAudit(db: Db, f: AuditFilter): Promise<AuditEntry[]> {
  const args: (string | number)[] = [f.beforeId ?? Number.MAX_SAFE_INTEGER];
  const where = ['id < $1::bigint'];
  if (f.action) where.push(`action = $${args.push(f.action)}`);
  if (f.operator) where.push(`lower(operator) = lower($${args.push(f.operator)})`);
  const rows = (
    await db.query<{ id: number; at_ms: number; action: AuditAction; operator: string | null; client_ip: string | null; run_id: number | null; detail: AuditDetail | null }>(
      `SELECT id, at_ms, action, operator, client_ip, run_id, detail FROM audit_log WHERE ${where.join(' AND ')} ORDER BY id DESC LIMIT $${args.push(f.limit)}`,
      args,
    )
  ).rows;
  return rows.map((r) => ({ id: r.id, at: new Date(r.at_ms).toISOString(), action: r.action, operator: r.operator, clientIp: r.client_ip, runId: r.run_id, detail: r.detail }));
}
