import type { Attrs } from '../tim/wire';
import type { RunKind, RunStatus, UserResult } from './state-machine';

export type { RunKind, RunStatus, UserResult };

export type RunSource = 'form' | 'csv' | 'retry' | 'restore';

export interface StoredFailure {
  key: string;
  code: number | null;
  info: string;
}

export interface RunSummary {
  id: number;
  createdAt: string;
  finishedAt: string | null;
  source: RunSource;
  kind: RunKind;
  /** The app the run is bound to: it is sent, resumed and retried through this app only. */
  appId: string;
  sdkAppId: number;
  region: string;
  attrs: string[];
  operator: string | null;
  parentRunId: number | null;
  status: RunStatus;
  total: number;
  /** Users the run's call went through for: removed, checked or restored, by its kind. */
  succeeded: number;
  /** A restore's users whose attributes all had a value again. */
  skipped: number;
  /** A removal's users that had no value for any of their attributes: nothing was sent for them. */
  nothingToRemove: number;
  failed: number;
  notSent: number;
  pending: number;
  requests: number;
  /** Users that went through with a value: a removal's restorable users (before any restore), a check's users that have one. */
  withValues: number;
  /** When the kept values were purged (SNAPSHOT_RETENTION_DAYS); null while they are kept. */
  valuesPurgedAt: string | null;
  /** Why the run stopped early (a credential or configuration error), if it did. */
  error: StoredFailure | null;
  /** CSV runs: what the upload held besides the valid users. */
  file: { name: string; rowsRead: number; invalidRows: number; duplicateRows: number } | null;
  cancelRequested: boolean;
}

export interface RunUser {
  seq: number;
  userId: string;
  attrs: string[];
  result: UserResult;
  failure: StoredFailure | null;
  attempts: number;
  /** What a removal took away, a check read or a restore wrote; null before, or once purged. Operators and admins only. */
  values: Attrs | null;
  /** Attributes a restore left alone: they had a value again. */
  skipped: string[];
}

export interface NewRun {
  /** The client's key for this submission: a second submit with the same key gets the same run. */
  requestKey?: string | null;
  source: RunSource;
  /** Default `remove`. */
  kind?: RunKind;
  appId: string;
  sdkAppId: number;
  region: string;
  operator: string | null;
  parentRunId?: number | null;
  file?: { name: string; rowsRead: number; invalidRows: number; duplicateRows: number };
  users: Iterable<{ account: string; attrs: readonly string[] }>;
}

export type CancelRefusal = 'not-found' | 'not-running' | 'form-run';

export interface UserFilter {
  result?: UserResult;
  /** Catalogue key: a TIM code as a string, or 'transport.*'. */
  errorKey?: string;
  /** One user of the run (run_users_by_user). */
  userId?: string;
}

export interface FailureGroup extends StoredFailure {
  count: number;
}

export type RetryRefusal = 'not-found' | 'still-running' | 'nothing-to-retry' | 'restore-run';


export interface AttrCount {
  attr: string;
  /** Users asked about this attribute that went through. */
  asked: number;
  /** Of those, users that had a value: a removal took it away, or a check found it. */
  withValue: number;
}

export type FromCheckRefusal = 'not-found' | 'not-a-check' | 'still-running';

export type RestoreRefusal = 'not-found' | 'not-a-removal' | 'still-running' | 'purged' | 'nothing-to-restore';

/** Why a run offers no restore, or how many of its users one would write back. */
export type RestoreState =
  | { kind: 'restorable'; users: number; restoreRunIds: number[] }
  | { kind: 'in-progress'; restoreRunId: number }
  | { kind: 'none'; reason: 'not-a-removal' | 'still-running' | 'no-values' | 'purged' | 'all-restored'; purgedAt?: string; restoreRunIds: number[] };
