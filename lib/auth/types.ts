import type { Locale } from '../messages/locales';
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

/** Who did something, as recorded with every run and audit entry. */
export interface Actor {
  username: string;
  clientIp: string | null;
}

