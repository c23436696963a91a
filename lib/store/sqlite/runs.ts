import 'server-only';
import { assertRunMove, assertUserMove, IllegalTransition, movesInto, RUN_START, statusAfter, UPLOAD_STATUSES, type RunEnd, type RunKind, type RunStatus, type StoredStatus } from '../../runs/state-machine';
import type { CancelRefusal, NewRun, RetryRefusal, RunSource, RunSummary, StoredFailure } from '../../runs/types';
import type { Failure } from '../../tim/outcomes';
import type Database from 'better-sqlite3';
import { statement, type Db } from './database';
import { enqueueDeliveries } from './webhooks';

export interface RunRow {
  id: number;
  created_at: string;
  finished_at: string | null;
  source: RunSource;
  kind: RunKind;
  app_id: string;
  sdkappid: number;
  region: string;
  attrs: string;
  operator: string | null;
  parent_run_id: number | null;
  status: RunStatus;
  total: number;
  removed: number;
  skipped: number;
  nothing_to_remove: number;
  failed: number;
  not_sent: number;
  requests: number;
  with_values: number;
  values_purged_at: string | null;
  error_key: string | null;
  error_code: number | null;
  error_info: string | null;
  file_name: string | null;
  rows_read: number | null;
  invalid_rows: number | null;
  duplicate_rows: number | null;
  cancel_requested: number;
  picked_attrs: string | null;
}

export const toFailure = (key: string | null, code: number | null, info: string | null): StoredFailure | null =>
  key === null ? null : { key, code, info: info ?? '' };

const quoted = (statuses: readonly StoredStatus[]) => statuses.map((s) => `'${s}'`).join(', ');

/** Runs only: uploads (uploading, staged, discarding) are read through uploads.ts. */
export const IS_RUN = `status NOT IN (${quoted(UPLOAD_STATUSES)})`;

/**
 * The condition of a status write: the row is in one of the statuses the state machine lets move
 * to `to`, so every write of a status is a compare-and-set and `changes` says whether it won.
 */
export const mayMoveTo = (to: StoredStatus) => `status IN (${quoted(movesInto(to))})`;

export const pickedOf = (json: string | null): string[] => (json === null ? [] : (JSON.parse(json) as string[]));

export function toSummary(r: RunRow): RunSummary {
  return {
    id: r.id,
    createdAt: r.created_at,
    finishedAt: r.finished_at,
    source: r.source,
    kind: r.kind,
    appId: r.app_id,
    sdkAppId: r.sdkappid,
    region: r.region,
    attrs: JSON.parse(r.attrs) as string[],
    operator: r.operator,
    parentRunId: r.parent_run_id,
    status: r.status,
    total: r.total,
    succeeded: r.removed,
    skipped: r.skipped,
    nothingToRemove: r.nothing_to_remove,
    failed: r.failed,
    notSent: r.not_sent,
    pending: r.total - r.removed - r.skipped - r.nothing_to_remove - r.failed - r.not_sent,
    requests: r.requests,
    withValues: r.with_values,
    valuesPurgedAt: r.values_purged_at,
    error: toFailure(r.error_key, r.error_code, r.error_info),
    file:
      r.file_name === null
        ? null
        : { name: r.file_name, rowsRead: r.rows_read ?? 0, invalidRows: r.invalid_rows ?? 0, duplicateRows: r.duplicate_rows ?? 0 },
    cancelRequested: r.cancel_requested === 1,
  };
}

/** A run as a create method answers with it: its id and how many users it holds. */
export interface RunRef {
  id: number;
  total: number;
}

/** The running run of this kind that follows `parentId`, the one runs_one_running_child_per_kind allows. */
export function runningChild(db: Db, parentId: number, kind: RunKind): RunRef | undefined {
  return statement(db, 'SELECT id, total FROM runs WHERE parent_run_id = ? AND kind = ? AND status = ?').get(parentId, kind, RUN_START) as RunRef | undefined;
}

export function runWithKey(db: Db, requestKey: string): RunRef | undefined {
  return statement(db, 'SELECT id, total FROM runs WHERE request_key = ?').get(requestKey) as RunRef | undefined;
}

/**
 * The answer to an INSERT … ON CONFLICT DO NOTHING of a run: the new run, or the one a unique index
 * (a running run of this kind after the same run, a request key) kept it from duplicating. With
 * concurrent writers both inserts reach the index, and the one that comes second gets the first's run.
 */
export function insertedOrKept(inserted: Database.RunResult, users: number, kept: () => RunRef | undefined): { ok: true; runId: number; users: number; existing: boolean } {
  if (inserted.changes === 1) return { ok: true, runId: Number(inserted.lastInsertRowid), users, existing: false };
  const run = kept();
  // Unreachable: the conflicting row is committed (or ours, in this transaction) and still running.
  if (!run) throw new Error('a unique index refused the run, and no run holds its place');
  return { ok: true, runId: run.id, users: run.total, existing: true };
}

/**
 * Writes the run and every one of its users (as pending) in one transaction, before anything is
 * sent. `users` is read once, so a million of them can stream in from the CSV validator.
 */
export function createRun(db: Db, run: NewRun): { runId: number; existing: boolean } {
  const insertRun = statement(
    db,
    `INSERT INTO runs (created_at, source, kind, app_id, sdkappid, region, attrs, operator, parent_run_id, status, total,
                       file_name, rows_read, invalid_rows, duplicate_rows, request_key)
     VALUES (?, ?, ?, ?, ?, ?, '[]', ?, ?, ?, 0, ?, ?, ?, ?, ?)
     ON CONFLICT DO NOTHING`,
  );
  const insertUser = statement(db, 'INSERT INTO run_users (run_id, seq, user_id, attrs) VALUES (?, ?, ?, ?)');
  return db.transaction(() => {
    const earlier = run.requestKey ? runWithKey(db, run.requestKey) : undefined;
    if (earlier) return { runId: earlier.id, existing: true };
    const kind = run.kind ?? 'remove';
    const inserted = insertRun.run(
      new Date().toISOString(),
      run.source,
      kind,
      run.appId,
      run.sdkAppId,
      run.region,
      run.operator,
      run.parentRunId ?? null,
      RUN_START,
      run.file?.name ?? null,
      run.file?.rowsRead ?? null,
      run.file?.invalidRows ?? null,
      run.file?.duplicateRows ?? null,
      run.requestKey ?? null,
    );
    const made = insertedOrKept(
      inserted,
      0,
      () => (run.requestKey ? runWithKey(db, run.requestKey) : undefined) ?? (run.parentRunId ? runningChild(db, run.parentRunId, kind) : undefined),
    );
    if (made.existing) return { runId: made.runId, existing: true };
    const runId = made.runId;
    // Attribute lists are shared arrays (see CsvValidator), so this is a handful of entries.
    const attrsJson = new Map<readonly string[], string>();
    const allAttrs = new Set<string>();
    let seq = 0;
    for (const u of run.users) {
      let json = attrsJson.get(u.attrs);
      if (json === undefined) {
        json = JSON.stringify(u.attrs);
        attrsJson.set(u.attrs, json);
        for (const a of u.attrs) allAttrs.add(a);
      }
      insertUser.run(runId, ++seq, u.account, json);
    }
    statement(db, 'UPDATE runs SET total = ?, attrs = ? WHERE id = ?').run(seq, JSON.stringify([...allAttrs]), runId);
    return { runId, existing: false };
  }).immediate();
}

/** Form runs finish inside their request in seconds; only background runs can be cancelled. */
export function requestCancel(db: Db, runId: number): { ok: true } | { ok: false; refusal: CancelRefusal } {
  return db.transaction(() => {
    const run = statement(db, 'SELECT source, status FROM runs WHERE id = ?').get(runId) as { source: RunSource; status: RunStatus } | undefined;
    if (!run) return { ok: false as const, refusal: 'not-found' as const };
    if (run.source === 'form') return { ok: false as const, refusal: 'form-run' as const };
    // Conditioned on the status by the write itself: a run another writer closed meanwhile is not asked to stop.
    const asked = statement(db, "UPDATE runs SET cancel_requested = 1 WHERE id = ? AND status = 'running'").run(runId).changes;
    return asked === 1 ? { ok: true as const } : { ok: false as const, refusal: 'not-running' as const };
  }).immediate();
}

/** Read by the engine between requests, so a cancel reaches whichever process is sending. */
export function isCancelRequested(db: Db, runId: number): boolean {
  return statement(db, 'SELECT cancel_requested FROM runs WHERE id = ?').pluck().get(runId) === 1;
}

export function listRunningRuns(db: Db, sources?: readonly RunSource[]): RunSummary[] {
  const rows = statement(db, "SELECT * FROM runs WHERE status = 'running' ORDER BY id").all() as RunRow[];
  return rows.filter((r) => sources === undefined || sources.includes(r.source)).map(toSummary);
}

/**
 * Closes a running run as the state machine says for this end: users never sent become "not
 * sent", and the reason a run stopped is kept. A halted pass decides nothing and changes nothing.
 * Throws IllegalTransition when the run is no longer running (someone else closed it).
 */
export function finishRun(db: Db, runId: number, end: RunEnd<Failure>): RunStatus | null {
  const status = statusAfter(end);
  if (status === null) return null;
  assertRunMove('running', status);
  const failure = end.status === 'stopped' ? end.failure : null;
  db.transaction(() => {
    const closed = statement(
      db,
      `UPDATE runs SET status = ?, finished_at = ?, error_key = ?, error_code = ?, error_info = ?
       WHERE id = ? AND ${mayMoveTo(status)}`,
    ).run(status, new Date().toISOString(), failure?.key ?? null, failure?.code ?? null, failure?.info ?? null, runId).changes;
    if (closed === 0) {
      const from = (statement(db, 'SELECT status FROM runs WHERE id = ?').pluck().get(runId) as RunStatus | undefined) ?? 'missing';
      throw new IllegalTransition('run', from, status);
    }
    assertUserMove('pending', 'not_sent');
    // SQLite keeps no statistics here: left to itself it reads the whole run through the primary key.
    const notSent = statement(db, "UPDATE run_users INDEXED BY run_users_by_result SET result = 'not_sent' WHERE run_id = ? AND result = 'pending'").run(runId).changes;
    statement(db, 'UPDATE runs SET not_sent = not_sent + ? WHERE id = ?').run(notSent, runId);
    // Its pace is only shown while it runs.
    statement(db, 'DELETE FROM run_progress WHERE run_id = ?').run(runId);
    enqueueDeliveries(db, runId, status, Date.now());
  }).immediate();
  return status;
}

export function getRun(db: Db, runId: number): RunSummary | null {
  const row = statement(db, `SELECT * FROM runs WHERE id = ? AND ${IS_RUN}`).get(runId) as RunRow | undefined;
  return row ? toSummary(row) : null;
}

export function listRuns(db: Db, opts: { limit: number; beforeId?: number; appId?: string }): RunSummary[] {
  const before = opts.beforeId ?? Number.MAX_SAFE_INTEGER;
  const rows = (
    opts.appId === undefined
      ? statement(db, `SELECT * FROM runs WHERE id < ? AND ${IS_RUN} ORDER BY id DESC LIMIT ?`).all(before, opts.limit)
      : statement(db, `SELECT * FROM runs WHERE app_id = ? AND id < ? AND ${IS_RUN} ORDER BY id DESC LIMIT ?`).all(opts.appId, before, opts.limit)
  ) as RunRow[];
  return rows.map(toSummary);
}

/**
 * A new run of the same kind (a dry run's retry only reads) holding only the users worth sending
 * again: those failed with one of `retryKeys` and those never sent. Copied inside SQLite so a million-row retry never passes through memory.
 * While a retry of the same run is still going, asking again returns that one: the insert is
 * refused by runs_one_running_child_per_kind, not by a read before it, so a double click or two
 * operators at once make one retry on any database.
 */
export function createRetryRun(
  db: Db,
  parentId: number,
  retryKeys: readonly string[],
  meta: { operator: string | null },
): { ok: true; runId: number; users: number; existing: boolean } | { ok: false; refusal: RetryRefusal } {
  const keys = JSON.stringify(retryKeys);
  // Named index: with no statistics SQLite would read every user of the run through the primary key.
  const selected = `run_users INDEXED BY run_users_by_result
    WHERE run_id = ? AND result IN ('not_sent', 'failed') AND (result = 'not_sent' OR error_key IN (SELECT value FROM json_each(?)))`;
  return db.transaction(() => {
    const parent = getRun(db, parentId);
    if (!parent) return { ok: false as const, refusal: 'not-found' as const };
    // A second restore of the removal is the retry of a restore: it writes back only what is still missing.
    if (parent.kind === 'restore') return { ok: false as const, refusal: 'restore-run' as const };
    if (parent.status === 'running') return { ok: false as const, refusal: 'still-running' as const };
    const count = statement(db, `SELECT COUNT(*) FROM ${selected}`).pluck().get(parentId, keys) as number;
    if (count > 0) {
      const inserted = statement(
        db,
        `INSERT INTO runs (created_at, source, kind, app_id, sdkappid, region, attrs, operator, parent_run_id, status, total, picked_attrs)
         VALUES (?, 'retry', ?, ?, ?, ?, ?, ?, ?, ?, ?, (SELECT picked_attrs FROM runs WHERE id = ?))
         ON CONFLICT DO NOTHING`,
      ).run(new Date().toISOString(), parent.kind, parent.appId, parent.sdkAppId, parent.region, JSON.stringify(parent.attrs), meta.operator, parentId, RUN_START, count, parentId);
      if (inserted.changes === 1) {
        const runId = Number(inserted.lastInsertRowid);
        statement(
          db,
          `INSERT INTO run_users (run_id, seq, user_id, attrs, with_picked)
           SELECT ?, ROW_NUMBER() OVER (ORDER BY seq), user_id, attrs, with_picked FROM ${selected}`,
        ).run(runId, parentId, keys);
        return { ok: true as const, runId, users: count, existing: false };
      }
    }
    // A retry is of the parent's kind, and the only run of that kind after it.
    const going = runningChild(db, parentId, parent.kind);
    if (going) return { ok: true as const, runId: going.id, users: going.total, existing: true };
    return { ok: false as const, refusal: 'nothing-to-retry' as const };
  }).immediate();
}
