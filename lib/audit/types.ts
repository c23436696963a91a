import type { AUDIT_ACTIONS } from './actions';

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

export interface AuditInput {
  action: AuditAction;
  operator: string | null;
  clientIp: string | null;
  runId?: number | null;
  detail?: AuditDetail | null;
  /**
   * Counted, not listed: entries with the same action, operator, address and detail within one
   * clock minute share one row, whose `count` says how many there were and `names` gives the first
   * few `name`s. A flood then writes a row a minute, however many attempts it sends.
   */
  counted?: { name?: string };
}

export interface AuditFilter {
  action?: AuditAction;
  operator?: string;
  beforeId?: number;
  limit: number;
}
