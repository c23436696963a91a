import type { Locale } from '../messages/locales';
import type { AUDIT_ACTIONS } from './audit';
import type { Role } from './roles';

export interface Operator {
  id: number;
  username: string;
  role: Role;
  disabled: boolean;
  createdAt: string;
  /** The app their pages act on; null until they pick one (the first configured app then). */
  appId: string | null;
  /** The language they chose; null until they pick one (pages follow the browser then). */
  locale: Locale | null;
}

export type OperatorRefusal = { code: 'operators.exists' | 'operators.notFound'; username: string } | { code: 'input.invalid'; username: string };

export type OperatorChange = { ok: true; operator: Operator } | ({ ok: false } & OperatorRefusal);

export interface PreparedOperator {
  username: string;
  role: Role;
  passwordHash: string;
}

/** A session ends after `idleMs` without a request, and `maxAgeMs` after sign-in however busy. */
export interface SessionLimits {
  idleMs: number;
  maxAgeMs: number;
}

export interface RetentionLimits extends SessionLimits {
  auditRetentionMs: number;
}

export interface Purged {
  sessions: number;
  audit: number;
  attempts: number;
}

export type UnlockResult = { ok: true; operator: Operator; cleared: number } | ({ ok: false } & OperatorRefusal);

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
