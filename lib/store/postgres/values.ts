import 'server-only';
import type pg from 'pg';
import type { AttrCount, FromCheckRefusal, RestoreRefusal, RestoreState, RunSummary } from '../../runs/types';
import { isRestorable, restoreStateFrom, type RestoreChild } from '../../runs/restore';
import { RUN_START, type UserResult } from '../../runs/state-machine';
import type { Attrs } from '../../tim/wire';
import { changed, type Db } from './database';
import { getRun, insertedOrKept, runningChild, runWithKey, type Created } from './runs';

export async function attrCounts(db: Db, runId: number): Promise<AttrCount[]> {
  return (await db.query<AttrCount>('SELECT attr, asked, with_value AS "withValue" FROM run_attr_counts WHERE run_id = $1 ORDER BY attr COLLATE "C"', [runId])).rows;
}

/**
 * The removal a dry run leads to: the same users, attributes and app, as a new run whose users are
 * copied from the dry run a slice at a time while it already sends (copyUsersSlice). The same
 * request key, or any ask while one is running, returns that run: the insert is refused by
 * runs_request_key or runs_one_running_child_per_kind, not by a read before it.
 */
export async function createRemovalFromCheck(
  db: pg.PoolClient,
  checkId: number,
  start: { requestKey: string; operator: string | null },
): Promise<Created | { ok: false; refusal: FromCheckRefusal }> {
  const earlier = await runWithKey(db, start.requestKey);
  if (earlier) return { ok: true, runId: earlier.id, users: earlier.total, existing: true };
  const check = await getRun(db, checkId);
  if (!check) return { ok: false, refusal: 'not-found' };
  if (check.kind !== 'check') return { ok: false, refusal: 'not-a-check' };
  if (check.status === 'running') return { ok: false, refusal: 'still-running' };
  const inserted = await db.query<{ id: number }>(
    `INSERT INTO runs (created_at, source, kind, app_id, sdkappid, region, attrs, operator, parent_run_id, status, total,
                       picked_attrs, file_name, rows_read, invalid_rows, duplicate_rows, request_key, copy_from)
     SELECT now(), source, 'remove', app_id, sdkappid, region, attrs, $1, id, $2, total,
            picked_attrs, file_name, rows_read, invalid_rows, duplicate_rows, $3, id
     FROM runs WHERE id = $4
     ON CONFLICT DO NOTHING RETURNING id`,
    [start.operator, RUN_START, start.requestKey, checkId],
  );
  return insertedOrKept(inserted, check.total, async () => (await runWithKey(db, start.requestKey)) ?? (await runningChild(db, checkId, 'remove')));
}


/**
 * A restore of a finished removal, sized from its counters (restoreState), its users copied while
 * it sends. While one is running, asking again returns that one: a second insert is refused by
 * runs_one_running_child_per_kind.
 */
export async function createRestoreRun(
  db: pg.PoolClient,
  removalId: number,
  meta: { operator: string | null },
): Promise<Created | { ok: false; refusal: RestoreRefusal }> {
  const removal = await getRun(db, removalId);
  if (!removal) return { ok: false, refusal: 'not-found' };
  if (removal.kind !== 'remove') return { ok: false, refusal: 'not-a-removal' };
  if (removal.status === 'running') return { ok: false, refusal: 'still-running' };
  const state = await restoreState(db, removal);
  if (state.kind === 'in-progress') {
    const going = (await getRun(db, state.restoreRunId))!;
    return { ok: true, runId: going.id, users: going.total, existing: true };
  }
  if (state.kind === 'none') return { ok: false, refusal: state.reason === 'purged' ? 'purged' : 'nothing-to-restore' };
  const inserted = await db.query<{ id: number }>(
    `INSERT INTO runs (created_at, source, kind, app_id, sdkappid, region, attrs, operator, parent_run_id, status, total, copy_from)
     SELECT now(), 'restore', 'restore', app_id, sdkappid, region, attrs, $1, id, $2, $3, id FROM runs WHERE id = $4
     ON CONFLICT DO NOTHING RETURNING id`,
    [meta.operator, RUN_START, state.users, removalId],
  );
  return insertedOrKept(inserted, state.users, () => runningChild(db, removalId, 'restore'));
}

/**
 * Copies the next slice of a run's users from the run it was made from, keeping their positions,
 * in the caller's transaction. The run's row is locked first: two processes copying one run take
 * turns, and the second starts where the first stopped instead of copying the same slice. A
 * restore takes only the restorable users, with the values to write back; once the copy is
 * complete its total is what was copied, in case the counters it was sized by were off.
 */
export async function copyUsersSlice(db: pg.PoolClient, runId: number, slice: number): Promise<{ done: boolean }> {
  const run = (
    await db.query<{ kind: string; copy_from: number | null; copied_upto: number }>('SELECT kind, copy_from, copied_upto FROM runs WHERE id = $1 FOR NO KEY UPDATE', [
      runId,
    ])
  ).rows[0];
  if (!run || run.copy_from === null) return { done: true };
  const last = (
    await db.query<{ seq: number }>('SELECT seq FROM run_users WHERE run_id = $1 AND seq > $2 ORDER BY seq LIMIT 1 OFFSET $3', [run.copy_from, run.copied_upto, slice - 1])
  ).rows[0]?.seq;
  const upTo = last ?? 2_147_483_647;
  if (run.kind === 'restore') await copyRestorable(db, runId, run.copy_from, run.copied_upto, upTo);
  else {
    await db.query(
      `INSERT INTO run_users (run_id, seq, user_id, attrs, with_picked)
       SELECT $1, seq, user_id, attrs, with_picked FROM run_users WHERE run_id = $2 AND seq > $3 AND seq <= $4`,
      [runId, run.copy_from, run.copied_upto, upTo],
    );
  }
  if (last !== undefined) {
    await db.query('UPDATE runs SET copied_upto = $1 WHERE id = $2', [last, runId]);
    return { done: false };
  }
  await db.query(
    `UPDATE runs SET copy_from = NULL, copied_upto = 0,
                     total = CASE WHEN kind = 'restore' THEN (SELECT count(*) FROM run_users WHERE run_id = $1) ELSE total END
     WHERE id = $1`,
    [runId],
  );
  return { done: true };
}

/** From counters kept as batches are recorded: constant cost for a million-user removal. */
export async function restoreState(db: Db, run: RunSummary): Promise<RestoreState> {
  const restores = (
    await db.query<RestoreChild>("SELECT id, status, removed + skipped AS settled FROM runs WHERE parent_run_id = $1 AND kind = 'restore' ORDER BY id", [run.id])
  ).rows;
  return restoreStateFrom(run, restores);
}

/**
 * A restore takes the users isRestorable picks, with the values to write back and their names as
 * the attributes. What earlier restores did to each user is looked up only if one of them settled
 * anyone (by its counters): the first restore of a removal reads no other rows.
 */
async function copyRestorable(db: pg.PoolClient, runId: number, removalId: number, afterSeq: number, upTo: number): Promise<void> {
  const settledBefore =
    ((await db.query("SELECT 1 FROM runs WHERE parent_run_id = $1 AND kind = 'restore' AND id <> $2 AND removed + skipped > 0 LIMIT 1", [removalId, runId])).rowCount ?? 0) > 0;
  const earlier = settledBefore
    ? `(SELECT coalesce(json_agg(r.result), '[]'::json) FROM runs rr JOIN run_users r ON r.run_id = rr.id AND r.user_id = p.user_id
        WHERE rr.parent_run_id = p.run_id AND rr.kind = 'restore' AND rr.id <> $4)`
    : `'[]'::json`;
  const users = (
    await db.query<{ seq: number; result: UserResult; attr_values: Attrs | null; earlier: UserResult[] }>(
      `SELECT p.seq, p.result, p.attr_values, ${earlier} AS earlier FROM run_users p WHERE p.run_id = $1 AND p.seq > $2 AND p.seq <= $3`,
      settledBefore ? [removalId, afterSeq, upTo, runId] : [removalId, afterSeq, upTo],
    )
  ).rows;
  const picked = users.filter((u) => isRestorable({ result: u.result, values: u.attr_values }, u.earlier)).map((u) => u.seq);
  if (picked.length === 0) return;
  await db.query(
    `INSERT INTO run_users (run_id, seq, user_id, attrs, attr_values)
     SELECT $1, p.seq, p.user_id, ARRAY(SELECT json_object_keys(p.attr_values)), p.attr_values
     FROM run_users p WHERE p.run_id = $2 AND p.seq = ANY($3::int[])`,
    [runId, removalId, picked],
  );
}

/** Finished runs not purged yet that ended before the cutoff, oldest first; each is swept once, then marked. */
export async function runsToPurgeBefore(db: Db, finishedBeforeMs: number): Promise<number[]> {
  return (
    await db.query<{ id: number }>('SELECT id FROM runs WHERE values_purged_at IS NULL AND finished_at IS NOT NULL AND finished_at < to_timestamp($1 / 1000.0) ORDER BY id', [
      finishedBeforeMs,
    ])
  ).rows.map((r) => r.id);
}

/** Clears one slice of a run's kept values; the next seq to start from, or null when none is left. */
export async function purgeValuesSlice(db: Db, runId: number, afterSeq: number, slice = 20_000): Promise<{ cleared: number; next: number | null }> {
  const last = (await db.query<{ seq: number }>('SELECT seq FROM run_users WHERE run_id = $1 AND seq > $2 ORDER BY seq LIMIT 1 OFFSET $3', [runId, afterSeq, slice - 1])).rows[0]
    ?.seq;
  // An empty {} (the user had none) says nothing about anyone and stays.
  const cleared = changed(
    await db.query("UPDATE run_users SET attr_values = NULL WHERE run_id = $1 AND seq > $2 AND seq <= $3 AND attr_values IS NOT NULL AND attr_values::text <> '{}'", [
      runId,
      afterSeq,
      last ?? 2_147_483_647,
    ]),
  );
  return { cleared, next: last ?? null };
}

export async function markValuesPurged(db: Db, runId: number): Promise<void> {
  await db.query('UPDATE runs SET values_purged_at = now() WHERE id = $1', [runId]);
}
