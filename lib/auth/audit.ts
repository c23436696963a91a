import 'server-only';
import { statement, type Db } from '../db/database';

export type AuditAction =
  | 'sign-in'
  | 'sign-in-failed'
  | 'sign-in-refused'
  | 'sign-out'
  | 'operator-added'
  | 'operator-disabled'
  | 'operator-enabled'
  | 'operator-role-changed'
  | 'password-reset'
  | 'operator-unlocked'
  | 'run-started'
  | 'run-cancelled'
  | 'run-retried'
  | 'export'
  | 'purge';

export interface AuditEntry {
  id: number;
  at: string;
  action: AuditAction;
  operator: string | null;
  clientIp: string | null;
  runId: number | null;
  detail: string | null;
}

/** Who did something, as recorded with every run and audit entry. */
export interface Actor {
  username: string;
  clientIp: string | null;
}

export interface AuditInput {
  action: AuditAction;
  operator: string | null;
  clientIp: string | null;
  runId?: number | null;
  /** Plain words, never a secret: no password, no key, no UserSig. */
  detail?: string | null;
}

export function audit(db: Db, e: AuditInput, nowMs = Date.now()): void {
  statement(db, 'INSERT INTO audit_log (at, at_ms, action, operator, client_ip, run_id, detail) VALUES (?, ?, ?, ?, ?, ?, ?)').run(
    new Date(nowMs).toISOString(),
    nowMs,
    e.action,
    e.operator,
    e.clientIp,
    e.runId ?? null,
    e.detail ?? null,
  );
}

export interface AuditFilter {
  action?: AuditAction;
  operator?: string;
  beforeId?: number;
  limit: number;
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
  return rows.map((r) => ({ id: r.id, at: r.at, action: r.action, operator: r.operator, clientIp: r.client_ip, runId: r.run_id, detail: r.detail }));
}
