import 'server-only';
import { assertRunMove, assertUserMove, IllegalTransition, movesInto, RUN_START, statusAfter, UPLOAD_STATUSES, type RunEnd, type RunKind, type RunStatus, type StoredStatus } from '../../runs/state-machine';
import type { CancelRefusal, NewRun, RetryRefusal, RunSource, RunSummary, StoredFailure } from '../../runs/types';
import type { Failure } from '../../tim/outcomes';
import type pg from 'pg';
import { enqueueDeliveries } from './webhooks';
import { changed, type Db } from './database';

export interface RunRow {
  id: number;
  created_at: Date;
  finished_at: Date | null;
  source: RunSource;
  kind: RunKind;
  app_id: string;
  sdkappid: number;
  region: string;
  attrs: string[];
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
  values_purged_at: Date | null;
  error_key: string | null;
  error_code: number | null;
  error_info: string | null;
  file_name: string | null;
  rows_read: number | null;
  invalid_rows: number | null;
  duplicate_rows: number | null;
  cancel_requested: boolean;
  picked_attrs: string[] | null;
}

export const toFailure = (key: string | null, code: number | null, info: string | null): StoredFailure | null =>
  key === null ? null : { key, code, info: info ?? '' };

const iso = (d: Date | null) => (d === null ? null : d.toISOString());

/** Runs only: uploads (uploading, staged, discarding) are read through uploads.ts. */
export const IS_RUN = `status <> ALL ('{${UPLOAD_STATUSES.join(',')}}'::text[])`;

/**
 * The condition of a status write: the row is in one of the statuses the state machine lets move
 * to `to`. Under READ COMMITTED an UPDATE that waited for another writer's row lock checks its
 * WHERE again on the row as that writer left it, so every status write is a compare-and-set and
 * its row count says whether it won.
 */
export const mayMoveTo = (to: StoredStatus) => `status = ANY ('{${movesInto(to).join(',')}}'::text[])`;

export function toSummary(r: RunRow): RunSummary {
  return {
    id: r.id,
    createdAt: r.created_at.toISOString(),
    finishedAt: iso(r.finished_at),
    source: r.source,
    kind: r.kind,
    appId: r.app_id,
    sdkAppId: r.sdkappid,
    region: r.region,
    attrs: r.attrs,
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
    valuesPurgedAt: iso(r.values_purged_at),
    error: toFailure(r.error_key, r.error_code, r.error_info),
    file:
      r.file_name === null
        ? null
        : { name: r.file_name, rowsRead: r.rows_read ?? 0, invalidRows: r.invalid_rows ?? 0, duplicateRows: r.duplicate_rows ?? 0 },
    cancelRequested: r.cancel_requested,
  };
}

/** A run as a create method answers with it: its id and how many users it holds. */
export interface RunRef {
  id: number;
  total: number;
}

export type Created = { ok: true; runId: number; users: number; existing: boolean };

const first = <T>(r: pg.QueryResult<T & pg.QueryResultRow>): T | undefined => r.rows[0];

/** The running run of this kind that follows `parentId`, the one runs_one_running_child_per_kind allows. */
export async function runningChild(db: Db, parentId: number, kind: RunKind): Promise<RunRef | undefined> {
  return first(await db.query<RunRef>('SELECT id, total FROM runs WHERE parent_run_id = $1 AND kind = $2 AND status = $3', [parentId, kind, RUN_START]));
}

export async function runWithKey(db: Db, requestKey: string): Promise<RunRef | undefined> {
  return first(await db.query<RunRef>('SELECT id, total FROM runs WHERE request_key = $1', [requestKey]));
}

/**
 * The answer to an INSERT … ON CONFLICT DO NOTHING RETURNING id of a run: the new run, or the one
 * a unique index kept it from duplicating. An insert that meets another transaction's uncommitted
 * row waits for it; once that commits, the next statement (a new snapshot) finds it.
 */
export async function insertedOrKept(inserted: pg.QueryResult<{ id: number }>, users: number, kept: () => Promise<RunRef | undefined>): Promise<Created> {
  const row = inserted.rows[0];
  if (row) return { ok: true, runId: row.id, users, existing: false };
  const run = await kept();
  // Unreachable: the conflicting row is committed and still running (or holds the key).
  if (!run) throw new Error('a unique index refused the run, and no run holds its place');
  return { ok: true, runId: run.id, users: run.total, existing: true };
}

/** Users per INSERT … unnest: one round trip each, and bounded memory for a form run or a test's million. */
const USERS_PER_INSERT = 5_000;

/** The run and every one of its users (as pending), in the caller's transaction, before anything is sent. */
export async function createRun(db: pg.PoolClient, run: NewRun): Promise<{ runId: number; existing: boolean }> {
  if (run.requestKey) {
    const earlier = await runWithKey(db, run.requestKey);
    if (earlier) return { runId: earlier.id, existing: true };
  }
  const kind = run.kind ?? 'remove';
  const inserted = await db.query<{ id: number }>(
    `INSERT INTO runs (created_at, source, kind, app_id, sdkappid, region, operator, parent_run_id, status, total,
                       file_name, rows_read, invalid_rows, duplicate_rows, request_key)
     VALUES (now(), $1, $2, $3, $4, $5, $6, $7, $8, 0, $9, $10, $11, $12, $13)
     ON CONFLICT DO NOTHING RETURNING id`,
    [
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
    ],
  );
  const made = await insertedOrKept(
    inserted,
    0,
    async () => (run.requestKey ? await runWithKey(db, run.requestKey) : undefined) ?? (run.parentRunId ? await runningChild(db, run.parentRunId, kind) : undefined),
  );
  if (made.existing) return { runId: made.runId, existing: true };
  const runId = made.runId;
  const allAttrs = new Set<string>();
  const seen = new Set<readonly string[]>();
  let seq = 0;
  let batch: { seq: number; account: string; attrs: string }[] = [];
  const flush = async () => {
    if (batch.length === 0) return;
    await db.query(
      `INSERT INTO run_users (run_id, seq, user_id, attrs)
       SELECT $1, s, u, a::text[] FROM unnest($2::int[], $3::text[], $4::text[]) AS t(s, u, a)`,
      [runId, batch.map((b) => b.seq), batch.map((b) => b.account), batch.map((b) => b.attrs)],
    );
    batch = [];
  };
  for (const u of run.users) {
    // Attribute lists are shared arrays (see CsvValidator): their names are gathered once per list.
    if (!seen.has(u.attrs)) {
      seen.add(u.attrs);
      for (const a of u.attrs) allAttrs.add(a);
    }
    batch.push({ seq: ++seq, account: u.account, attrs: pgArray(u.attrs) });
    if (batch.length === USERS_PER_INSERT) await flush();
  }
  await flush();
  await db.query('UPDATE runs SET total = $1, attrs = $2 WHERE id = $3', [seq, [...allAttrs], runId]);
  return { runId, existing: false };
}

/** A text[] literal, so arrays of arrays (one per user) travel as one text[] parameter and are cast back per row. */
export function pgArray(items: readonly string[]): string {
  return `{${items.map((s) => `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`).join(',')}}`;
}

/** Form runs finish inside their request in seconds; only background runs can be cancelled. */
export async function requestCancel(db: Db, runId: number): Promise<{ ok: true } | { ok: false; refusal: CancelRefusal }> {
  // Conditioned on the status by the write itself: a run another process closed meanwhile is not asked to stop.
  const asked = await db.query("UPDATE runs SET cancel_requested = true WHERE id = $1 AND status = 'running' AND source <> 'form'", [runId]);
  if (changed(asked) === 1) return { ok: true };
  const run = first(await db.query<{ source: RunSource }>('SELECT source FROM runs WHERE id = $1', [runId]));
  if (!run) return { ok: false, refusal: 'not-found' };
  return { ok: false, refusal: run.source === 'form' ? 'form-run' : 'not-running' };
}

/** Read by the engine between requests, so a cancel reaches whichever process is sending. */
export async function isCancelRequested(db: Db, runId: number): Promise<boolean> {
  return first(await db.query<{ cancel_requested: boolean }>('SELECT cancel_requested FROM runs WHERE id = $1', [runId]))?.cancel_requested === true;
}

export async function listRunningRuns(db: Db, sources?: readonly RunSource[]): Promise<RunSummary[]> {
  const rows = (await db.query<RunRow>("SELECT * FROM runs WHERE status = 'running' ORDER BY id")).rows;
  return rows.filter((r) => sources === undefined || sources.includes(r.source)).map(toSummary);
}

/**
 * Rows per statement where one change covers all of a run's users (closing it, copying a retry):
 * each statement stays far inside any statement_timeout, however large the run.
 */
const SLICE = 50_000;

/** Seq bounds that cut a run's users into slices of `slice`, in order: the last seq of each slice, then null for the rest. */
async function* seqSlices(db: Db, runId: number, slice: number): AsyncGenerator<{ after: number; upTo: number | null }> {
  let after = 0;
  for (;;) {
    const upTo = first(await db.query<{ seq: number }>('SELECT seq FROM run_users WHERE run_id = $1 AND seq > $2 ORDER BY seq OFFSET $3 LIMIT 1', [runId, after, slice - 1]))?.seq ?? null;
    yield { after, upTo };
    if (upTo === null) return;
    after = upTo;
  }
}

/**
 * Closes a running run as the state machine says for this end, in the caller's transaction:
 * users never sent become "not sent", a slice at a time, and the reason a run stopped is kept. A
 * halted pass decides nothing. Throws IllegalTransition when the run is no longer running
 * (someone else closed it).
 */
export async function finishRun(db: pg.PoolClient, runId: number, end: RunEnd<Failure>, slice = SLICE): Promise<RunStatus | null> {
  const status = statusAfter(end);
  if (status === null) return null;
  assertRunMove('running', status);
  const failure = end.status === 'stopped' ? end.failure : null;
  const closed = first(
    await db.query<RunRow>(
      `UPDATE runs SET status = $1, finished_at = now(), error_key = $2, error_code = $3, error_info = $4 WHERE id = $5 AND ${mayMoveTo(status)} RETURNING *`,
      [status, failure?.key ?? null, failure?.code ?? null, failure?.info ?? null, runId],
    ),
  );
  if (!closed) {
    const from = first(await db.query<{ status: RunStatus }>('SELECT status FROM runs WHERE id = $1', [runId]))?.status ?? 'missing';
    throw new IllegalTransition('run', from, status);
  }
  assertUserMove('pending', 'not_sent');
  // A batch recorded at the same moment waits for the run's row, locked above, then finds its users no longer pending: counted once either way.
  // The counters are exact (a batch moves and counts its users in one statement) and the copy is
  // complete by now, so when they leave no user pending no row is read: reading a million users'
  // positions in slices took a second after the last request.
  let notSent = 0;
  for await (const { after, upTo } of toSummary(closed).pending > 0 ? seqSlices(db, runId, slice) : []) {
    notSent += changed(
      await db.query("UPDATE run_users SET result = 'not_sent' WHERE run_id = $1 AND result = 'pending' AND seq > $2 AND ($3::int IS NULL OR seq <= $3)", [runId, after, upTo]),
    );
  }
  await db.query('UPDATE runs SET not_sent = not_sent + $1 WHERE id = $2', [notSent, runId]);
  // Its pace is only shown while it runs.
  await db.query('DELETE FROM run_progress WHERE run_id = $1', [runId]);
  await enqueueDeliveries(db, runId, status, Date.now());
  return status;
}

export async function getRun(db: Db, runId: number): Promise<RunSummary | null> {
  const row = first(await db.query<RunRow>(`SELECT * FROM runs WHERE id = $1 AND ${IS_RUN}`, [runId]));
  return row ? toSummary(row) : null;
}

export async function listRuns(db: Db, opts: { limit: number; beforeId?: number; appId?: string }): Promise<RunSummary[]> {
  const before = opts.beforeId ?? Number.MAX_SAFE_INTEGER;
  const rows = (
    opts.appId === undefined
      ? await db.query<RunRow>(`SELECT * FROM runs WHERE id < $1::bigint AND ${IS_RUN} ORDER BY id DESC LIMIT $2`, [before, opts.limit])
      : await db.query<RunRow>(`SELECT * FROM runs WHERE app_id = $1 AND id < $2::bigint AND ${IS_RUN} ORDER BY id DESC LIMIT $3`, [opts.appId, before, opts.limit])
  ).rows;
  return rows.map(toSummary);
}

/**
 * A new run of the parent's kind holding only the users worth sending again: those failed with
 * one of `retryKeys` and those never sent, copied in order a slice of the parent's seqs per
 * statement. The parent is finished, so its users no longer change; the run's total and the
 * audited count are the users actually copied. While a retry of the same run is still going,
 * asking again returns that one: the insert is refused by runs_one_running_child_per_kind (after
 * waiting for the other's commit), not by a read before it.
 */
export async function createRetryRun(
  db: pg.PoolClient,
  parentId: number,
  retryKeys: readonly string[],
  meta: { operator: string | null },
  slice = SLICE,
): Promise<Created | { ok: false; refusal: RetryRefusal }> {
  const parent = await getRun(db, parentId);
  if (!parent) return { ok: false, refusal: 'not-found' };
  // A second restore of the removal is the retry of a restore: it writes back only what is still missing.
  if (parent.kind === 'restore') return { ok: false, refusal: 'restore-run' };
  if (parent.status === 'running') return { ok: false, refusal: 'still-running' };
  const chosen = "run_id = $1 AND (result = 'not_sent' OR (result = 'failed' AND error_key = ANY ($2::text[])))";
  const worth = first(await db.query<{ any: boolean }>(`SELECT EXISTS (SELECT 1 FROM run_users WHERE ${chosen}) AS any`, [parentId, retryKeys]))!.any;
  const made = worth
    ? first(
        await db.query<{ id: number }>(
          `INSERT INTO runs (created_at, source, kind, app_id, sdkappid, region, attrs, operator, parent_run_id, status, total, picked_attrs)
           SELECT now(), 'retry', kind, app_id, sdkappid, region, attrs, $2, id, $3, 0, picked_attrs FROM runs WHERE id = $1
           ON CONFLICT DO NOTHING RETURNING id`,
          [parentId, meta.operator, RUN_START],
        ),
      )
    : undefined;
  if (made) {
    let users = 0;
    for await (const { after, upTo } of seqSlices(db, parentId, slice)) {
      users += changed(
        await db.query(
          `INSERT INTO run_users (run_id, seq, user_id, attrs, with_picked)
           SELECT $3, $4 + ROW_NUMBER() OVER (ORDER BY seq), user_id, attrs, with_picked FROM run_users
           WHERE ${chosen} AND seq > $5 AND ($6::int IS NULL OR seq <= $6)`,
          [parentId, retryKeys, made.id, users, after, upTo],
        ),
      );
    }
    await db.query('UPDATE runs SET total = $1 WHERE id = $2', [users, made.id]);
    return { ok: true, runId: made.id, users, existing: false };
  }
  // A retry is of the parent's kind, and the only running run of that kind after it.
  const going = await runningChild(db, parentId, parent.kind);
  if (going) return { ok: true, runId: going.id, users: going.total, existing: true };
  return { ok: false, refusal: 'nothing-to-retry' };
}
