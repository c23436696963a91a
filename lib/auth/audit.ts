import 'server-only';
import { statement, type Db } from '../db/database';

export const AUDIT_ACTIONS = [
  'sign-in',
  'sign-in-failed',
  'sign-in-refused',
  'sign-out',
  'operator-added',
  'operator-disabled',
  'operator-enabled',
  'operator-role-changed',
  'password-reset',
  'operator-unlocked',
  'run-started',
  'run-cancelled',
  'run-retried',
  'check-started',
  'restore-started',
  'values-purged',
  'export',
  'purge',
] as const;

export type AuditAction = (typeof AUDIT_ACTIONS)[number];

/**
 * What an audit row says besides its action, as data: the words are the catalogue's
 * (messages/<lang>/audit.json, one message per action over these fields). Never a secret.
 */
export type AuditDetail = Record<string, string | number>;

export interface AuditEntry {
  id: number;
  at: string;
  action: AuditAction;
  operator: string | null;
  clientIp: string | null;
  runId: number | null;
  /** Rows written before details were data hold their old text as `{ text }`. */
  detail: AuditDetail | null;
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
  detail?: AuditDetail | null;
}

export function audit(db: Db, e: AuditInput, nowMs = Date.now()): void {
  statement(db, 'INSERT INTO audit_log (at, at_ms, action, operator, client_ip, run_id, detail) VALUES (?, ?, ?, ?, ?, ?, ?)').run(
    new Date(nowMs).toISOString(),
    nowMs,
    e.action,
    e.operator,
    e.clientIp,
    e.runId ?? null,
    e.detail ? JSON.stringify(e.detail) : null,
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
