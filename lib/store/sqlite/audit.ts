import 'server-only';
import { AUDIT_COUNT_NAMES, AUDIT_COUNT_WINDOW_MS } from '../../audit/actions';
import type { AuditAction, AuditDetail, AuditEntry, AuditFilter, AuditInput } from '../../audit/types';
import { statement, type Db } from './database';

export function audit(db: Db, e: AuditInput, nowMs = Date.now()): void {
  if (e.counted) addToCount(db, e, e.counted.name, nowMs);
  else insertAudit(db, e, e.detail ?? null, nowMs);
}

function insertAudit(db: Db, e: AuditInput, detail: AuditDetail | null, nowMs: number): void {
  statement(db, 'INSERT INTO audit_log (at, at_ms, action, operator, client_ip, run_id, detail) VALUES (?, ?, ?, ?, ?, ?, ?)').run(
    new Date(nowMs).toISOString(),
    nowMs,
    e.action,
    e.operator,
    e.clientIp,
    e.runId ?? null,
    detail ? JSON.stringify(detail) : null,
  );
}

function addToCount(db: Db, e: AuditInput, name: string | undefined, nowMs: number): void {
  const since = nowMs - (nowMs % AUDIT_COUNT_WINDOW_MS);
  const wanted = e.detail ?? {};
  // Read and written in one immediate transaction, so two processes on the file add to one row.
  db.transaction(() => {
    const rows = statement(db, 'SELECT id, detail FROM audit_log WHERE action = ? AND at_ms >= ? AND at_ms < ? AND operator IS ? AND client_ip IS ? ORDER BY id').all(
      e.action,
      since,
      since + AUDIT_COUNT_WINDOW_MS,
      e.operator,
      e.clientIp,
    ) as { id: number; detail: string | null }[];
    for (const row of rows) {
      const detail = readDetail(row.detail);
      if (!detail || typeof detail.count !== 'number' || Object.entries(wanted).some(([k, v]) => detail[k] !== v)) continue;
      const names = typeof detail.names === 'string' && detail.names !== '' ? detail.names.split(', ') : [];
      if (name !== undefined && names.length < AUDIT_COUNT_NAMES && !names.includes(name)) names.push(name);
      const next = { ...detail, count: detail.count + 1, ...(name !== undefined ? { names: names.join(', ') } : {}) };
      statement(db, 'UPDATE audit_log SET detail = ? WHERE id = ?').run(JSON.stringify(next), row.id);
      return;
    }
    insertAudit(db, e, { ...wanted, count: 1, ...(name !== undefined ? { names: name } : {}) }, nowMs);
  }).immediate();
}

export function listAudit(db: Db, f: AuditFilter): AuditEntry[] {
  const where = ['id < ?'];
  const args: (string | number)[] = [f.beforeId ?? Number.MAX_SAFE_INTEGER];
  if (f.action) {
    where.push('action = ?');
    args.push(f.action);
  }
  if (f.operator) {
    where.push('operator = ? COLLATE NOCASE');
    args.push(f.operator);
  }
  const rows = statement(db, `SELECT * FROM audit_log WHERE ${where.join(' AND ')} ORDER BY id DESC LIMIT ?`).all(...args, f.limit) as {
    id: number;
    at: string;
    action: AuditAction;
    operator: string | null;
    client_ip: string | null;
    run_id: number | null;
    detail: string | null;
  }[];
  return rows.map((r) => ({ id: r.id, at: r.at, action: r.action, operator: r.operator, clientIp: r.client_ip, runId: r.run_id, detail: readDetail(r.detail) }));
}

function readDetail(stored: string | null): AuditDetail | null {
  if (stored === null) return null;
  if (!stored.startsWith('{')) return { text: stored };
  try {
    return JSON.parse(stored) as AuditDetail;
  } catch {
    return { text: stored };
  }
}
