import type { Operator, OperatorChange, PreparedOperator, Purged, RetentionLimits, SessionLimits, UnlockResult } from '../auth/types';
import type { AuditEntry, AuditFilter, AuditInput } from '../audit/types';
import type {
  AttrCount,
  CancelRefusal,
  FailureGroup,
  FromCheckRefusal,
  NewRun,
  RestoreRefusal,
  RestoreState,
  RetryRefusal,
  RunSource,
  RunStatus,
  RunSummary,
  RunUser,
  UserFilter,
} from '../runs/types';
import type { ProgressSecond } from '../runs/progress';
import type { CsvIssue } from '../csv/validate';
import type { BeginRefusal, CompletedUploadFacts, NewUpload, StagedRows, StartRefusal, UploadCap, UploadInProgress, UploadOwner, UploadSummary } from '../uploads/types';
import type { RunEnd, UserOutcome } from '../engine/engine';
import type { RunTarget } from '../engine/operations';
import type { Attrs } from '../tim/wire';
import type { LeaseAttempt, LeaseIdentity, LeaseOptions } from '../lease/lease';
import type { Fence } from '../lease/fence';
import type { AppFence, AppLease } from '../lease/app-lease';
import type { Role } from '../auth/roles';
import type { Locale } from '../messages/locales';
import type { ApiToken, NewToken } from '../tokens/tokens';
import type { IdempotencyClaim } from '../tokens/idempotency';
import type { DeliveryOutcome, DueDelivery, NewWebhook, Webhook } from '../webhooks/types';

/**
 * Everything the console keeps, behind promises, so that a Postgres implementation can stand
 * beside SQLite without a use case changing. Each method is one atomic change: where a change is
 * audited, the audit row is its argument and is written in the same transaction.
 */
export interface Store {
  runs: RunStore;
  uploads: UploadStore;
  operators: OperatorStore;
  sessions: SessionStore;
  signIns: SignInStore;
  audit: AuditStore;
  lease: LeaseStore;
  /** One sending process per app (Postgres); null where the database-wide lease alone decides (SQLite). */
  appLeases: AppLeaseStore | null;
  tokens: TokenStore;
  idempotency: IdempotencyStore;
  webhooks: WebhookStore;
  /** Resolves when the store answers a trivial query (health). */
  ping(): Promise<void>;
  purgeExpired(limits: RetentionLimits, nowMs: number): Promise<Purged>;
  close(): Promise<void>;
}

/** An audit row whose run id is the run the change creates. */
export type RunAudit = Omit<AuditInput, 'runId'>;

/** What writing a batch's outcomes tells the pass that wrote them. */
export interface RecordedOutcomes {
  cancelRequested: boolean;
}

export interface RunStore {
  /** The run and all its users, pending, with its audit row; a known request key returns its run, unaudited. */
  create(run: NewRun, audit: RunAudit): Promise<{ runId: number; existing: boolean }>;
  get(runId: number): Promise<RunSummary | null>;
  list(opts: { limit: number; beforeId?: number; appId?: string }): Promise<RunSummary[]>;
  listRunning(sources?: readonly RunSource[]): Promise<RunSummary[]>;
  pendingTargets(runId: number, afterSeq: number, limit: number): Promise<RunTarget[]>;
  /**
   * One batch's outcomes, once per user; the users it finished are also counted in the second it
   * was recorded in (`atMs`, wall clock; now by default), so every process reads the same rate.
   * Says whether the run's cancel had been asked when they were written: a pass needs no other
   * read of it after each batch.
   */
  recordOutcomes(runId: number, outcomes: readonly UserOutcome[], requests: number, atMs?: number): Promise<RecordedOutcomes>;
  /** The seconds of batches recorded for a running run, oldest first: at most PROGRESS_SECONDS of them; none once it has finished. */
  progress(runId: number): Promise<ProgressSecond[]>;
  /** The next slice of a run's users (at most `slice`, the store's own size by default) copied from the run it was made from; `done` once all are. */
  copyUsers(runId: number, slice?: number): Promise<{ done: boolean }>;
  /** Users a pass asks each copyUsers call for on this store (lib/jobs/copy-users.ts). */
  readonly copySlice: number;
  /** A removal's snapshot of one batch, kept before its remove_attr goes out. */
  keepValues(runId: number, kept: readonly { seq: number; values: Attrs }[]): Promise<void>;
  attrCounts(runId: number): Promise<AttrCount[]>;
  finish(runId: number, end: RunEnd): Promise<RunStatus | null>;
  requestCancel(runId: number, audit: RunAudit): Promise<{ ok: true } | { ok: false; refusal: CancelRefusal }>;
  isCancelRequested(runId: number): Promise<boolean>;
  users(runId: number, opts: { afterSeq?: number; limit: number; filter?: UserFilter }): Promise<RunUser[]>;
  findUser(userId: string): Promise<{ run: RunSummary; user: RunUser }[]>;
  failureGroups(runId: number): Promise<FailureGroup[]>;
  createRetry(
    parentId: number,
    retryKeys: readonly string[],
    operator: string,
    audit: (runId: number, users: number) => AuditInput,
  ): Promise<{ ok: true; runId: number; users: number; existing: boolean } | { ok: false; refusal: RetryRefusal }>;
  /**
   * The removal a finished dry run leads to: same users, attributes and app. A known request key,
   * or a removal of this dry run still running, returns that run, unaudited.
   */
  createFromCheck(
    checkId: number,
    start: { requestKey: string; operator: string },
    audit: (runId: number, users: number) => AuditInput,
  ): Promise<{ ok: true; runId: number; users: number; existing: boolean } | { ok: false; refusal: FromCheckRefusal }>;
  /** A restore of a finished removal; while one is running, that one. */
  createRestore(
    removalId: number,
    operator: string,
    audit: (runId: number, users: number) => AuditInput,
  ): Promise<{ ok: true; runId: number; users: number; existing: boolean } | { ok: false; refusal: RestoreRefusal }>;
  /** For a run already read: what a restore of it would do, from its counters. */
  restoreState(run: RunSummary): Promise<RestoreState>;
  /**
   * Clears the values kept by every run finished before the cutoff, a slice at a time, each run
   * that held some with its audit row; resolves with those runs.
   */
  purgeValues(finishedBeforeMs: number, audit: (runId: number, users: number) => AuditInput): Promise<number[]>;
  /**
   * The writes a pass makes, each checking in its own transaction, before it writes, that `fence`
   * is still held (and not expired); if not, it writes nothing and rejects with LeaseLost.
   */
  fenced(fence: Fence): FencedRunWrites;
}

/** What a pass writes about its run: what a process that lost the right to send must not write any more. */
export type FencedRunWrites = Pick<RunStore, 'recordOutcomes' | 'keepValues' | 'finish' | 'copyUsers'>;

/**
 * Staged CSV uploads: runs that are not running yet. Staging is two steps, so that no write on
 * the way holds the database for long and none lands on a random page of an index: `addRows`
 * only appends rows as the file streams in, unmerged and unindexed (a staging table, COPY), and
 * `complete` merges them by user and stores the upload's users, set-based, once the file has ended.
 */
export interface UploadStore {
  /**
   * A new upload, received by `receiver.owner` with `nowMs` as its first heartbeat; refused when
   * that process already reads `cap.readingPerProcess` files, the operator has
   * `cap.readingPerOperator` arriving (in any process), or holds `cap.max`. Counted and begun as
   * one atomic step, so uploads begun side by side, in one process or several, cannot pass a cap together.
   */
  begin(
    upload: NewUpload,
    receiver: { owner: UploadOwner; nowMs: number },
    cap: UploadCap,
  ): Promise<{ ok: true; uploadId: number } | { ok: false; refusal: BeginRefusal }>;
  /** Its owner still receives it: true while it is uploading under that owner, false once it is not (staged, discarded, or another's). */
  heartbeat(uploadId: number, owner: UploadOwner, nowMs: number): Promise<boolean>;
  /** Every upload still uploading, whichever process receives it, oldest first, with how far its `complete` has come. */
  inProgress(): Promise<UploadInProgress[]>;
  /**
   * Appends a batch of valid rows in file order, numbered from `firstSeq` (each call goes on where
   * the last ended); a user's repeated rows are merged only by `complete`. No user of the upload
   * can be read before then: not by `countRows`, `get` or a search.
   */
  addRows(uploadId: number, firstSeq: number, rows: StagedRows): Promise<void>;
  addIssues(uploadId: number, issues: readonly CsvIssue[]): Promise<void>;
  /**
   * The file has ended: merges the rows by user, stores the upload's users and marks it staged.
   * A user's rows become one, with the attributes of its first row followed by each later row's
   * new ones, in file order, and with the picked ones if any of its rows takes them. Users are
   * numbered (`seq`) from 1 in the byte order of their IDs, which is the order a run sends and
   * lists them. While this goes on, `inProgress` shows how far it has come. An upload discarded
   * meanwhile throws IllegalTransition, and what was stored of it goes with deleteDiscarded.
   */
  complete(uploadId: number, facts: CompletedUploadFacts): Promise<UploadSummary>;
  /**
   * Takes an upload out of uploading or staged by one compare-and-set, so it can never start from
   * now on (a start that comes first wins, and this answers false). True while it is being
   * discarded, by this call or an earlier one. Its rows stay until deleteDiscarded. With `ifStill`,
   * only an upload still uploading whose heartbeat is still that one is taken: an owner that beat
   * since it was judged abandoned keeps it.
   */
  discard(uploadId: number, ifStill?: { heartbeatMs: number | null }): Promise<boolean>;
  /** Deletes a discarded upload a slice at a time, the rows it appended included; resolves once it is gone. Anything not discarded is left alone. */
  deleteDiscarded(uploadId: number): Promise<void>;
  /** The users stored under an upload by `complete`, or under the run it became, in any state: none once deleteDiscarded has run. */
  countRows(uploadId: number): Promise<number>;
  get(uploadId: number): Promise<UploadSummary | null>;
  latestStaged(operator: string, appId: string, sinceMs: number): Promise<UploadSummary | null>;
  /** Staged ones staged before the cutoff, and those discarded but not yet deleted. */
  expired(stagedBeforeMs: number): Promise<number[]>;
  issues(uploadId: number, opts: { afterLine?: number; limit: number }): Promise<CsvIssue[]>;
  /** Staged → running with its audit row; a known request key returns its run, unaudited. */
  start(
    uploadId: number,
    start: { picked: readonly string[]; requestKey: string; operator: string; kind: 'remove' | 'check' },
    audit: (users: number) => RunAudit,
  ): Promise<{ ok: true; runId: number; users: number; existing: boolean } | { ok: false; refusal: StartRefusal }>;
}

export type OperatorWithHash = Operator & { passwordHash: string };

export interface OperatorStore {
  find(username: string): Promise<OperatorWithHash | null>;
  list(): Promise<Operator[]>;
  count(): Promise<number>;
  lockedOut(nowMs: number): Promise<Set<string>>;
  insert(op: PreparedOperator, audit: (o: Operator) => AuditInput | null): Promise<OperatorChange>;
  setDisabled(username: string, disabled: boolean, audit: (o: Operator) => AuditInput): Promise<OperatorChange>;
  setRole(username: string, role: Role, audit: (o: Operator) => AuditInput): Promise<OperatorChange>;
  setPasswordHash(username: string, passwordHash: string, audit: (o: Operator) => AuditInput): Promise<OperatorChange>;
  unlock(username: string, by: { operator: string; clientIp: string | null }, nowMs: number): Promise<UnlockResult>;
  setApp(username: string, appId: string): Promise<void>;
  setLocale(username: string, locale: Locale): Promise<void>;
}

export interface SessionStore {
  resolve(cookie: string | undefined, opts: SessionLimits & { secret: string; nowMs?: number }): Promise<Operator | null>;
  end(cookie: string | undefined, secret: string, audit: AuditInput | null): Promise<void>;
}

export interface SignInStore {
  /**
   * Counts and records this attempt in one step, before its password is checked; null: locked out.
   * However many arrive at once, at most LOCKOUT_FAILURES begin per username and per address. One
   * statement is enough where writes take turns (SQLite); under READ COMMITTED two statements can
   * count the same rows, so such a store also serialises begins per username and address.
   */
  begin(by: { username: string; clientIp: string | null }, nowMs: number): Promise<number | null>;
  fail(attemptId: number, audit: AuditInput, nowMs: number): Promise<void>;
  /** The attempt succeeded: its audit row and a new session together; the sealed cookie value. */
  succeed(attemptId: number, operatorId: number, audit: AuditInput, session: { secret: string; nowMs: number }): Promise<string>;
}

export interface AuditStore {
  record(entry: AuditInput, nowMs?: number): Promise<void>;
  list(filter: AuditFilter): Promise<AuditEntry[]>;
}

/** API tokens: kept by hash; each change written with its audit row. */
export interface TokenStore {
  /** Null when a live token already has that name (in any case). */
  create(token: NewToken, audit: (t: ApiToken) => AuditInput): Promise<ApiToken | null>;
  /** Live ones first, newest first. */
  list(): Promise<ApiToken[]>;
  byHash(hash: string): Promise<ApiToken | null>;
  /** Null when there is no such token or it was revoked already. */
  revoke(id: number, audit: (t: ApiToken) => AuditInput): Promise<ApiToken | null>;
}

/** Idempotency-Key answers of API POSTs, per token. */
export interface IdempotencyStore {
  /** Claims the key for this request, atomically: exactly one of several requests at once gets `claimed`. */
  claim(tokenId: number, key: string, fingerprint: string, nowMs: number): Promise<IdempotencyClaim>;
  /** The claimed request's answer, replayed to any later request with the same key and body. */
  complete(tokenId: number, key: string, status: number, body: string): Promise<void>;
  /** The claimed request ended without an answer worth keeping (it threw): the key is free again. */
  release(tokenId: number, key: string): Promise<void>;
}

/**
 * Webhooks and their deliveries. A run's end writes a delivery per live hook in the same
 * transaction (runs.finish), so none is lost; senders claim due ones atomically.
 */
export interface WebhookStore {
  add(hook: NewWebhook, audit: (h: Webhook) => AuditInput): Promise<Webhook>;
  /** Live hooks, oldest first, each with its last delivery's answer. */
  list(): Promise<Webhook[]>;
  /** Null when there is no such live hook. Its deliveries not yet sent are dropped. */
  remove(id: number, audit: (h: Webhook) => AuditInput): Promise<Webhook | null>;
  /** Due deliveries, each claimed for `leaseMs` so no other sender takes it meanwhile. */
  claimDue(nowMs: number, limit: number, leaseMs: number): Promise<DueDelivery[]>;
  record(deliveryId: number, outcome: DeliveryOutcome, nowMs: number): Promise<void>;
}

export interface LeaseStore {
  acquire(me: LeaseIdentity, opts?: LeaseOptions): Promise<LeaseAttempt>;
}

/**
 * Per-app leases with fencing tokens, and the console processes alive to share them. A lease is
 * renewed by its holder, taken over once expired (or from a holder on this host whose pid is
 * gone), and released by setting its expiry to now; every take raises its token.
 */
export interface AppLeaseStore {
  /**
   * This process is alive until nowMs + ttl, or is leaving and counts no more; answers the
   * processes alive (by their last beat) and not leaving.
   */
  beat(me: LeaseIdentity, opts: { nowMs: number; ttlMs?: number; leaving?: boolean }): Promise<LeaseIdentity[]>;
  /** Every app's lease as last written, whoever holds it, expired or not. */
  list(): Promise<AppLease[]>;
  /** The app's fence if this process took it; null when another holds it. Of several asking at once, one gets it. */
  take(me: LeaseIdentity, appId: string, opts?: LeaseOptions): Promise<AppFence | null>;
  /** Renews those still held at their tokens; answers the ones renewed (the others were taken over). */
  renew(fences: readonly AppFence[], opts: { nowMs: number; ttlMs?: number }): Promise<AppFence[]>;
  /** Lets the app go at once (expires now); false when it was no longer held at this fence. */
  release(fence: AppFence, nowMs: number): Promise<boolean>;
}
