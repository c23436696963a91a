import 'server-only';
import { statement, type Db } from './database';
import type { AttrCount, FromCheckRefusal, RestoreRefusal, RestoreState, RunSummary } from '../../runs/types';
import { restoreStateFrom, type RestoreChild } from '../../runs/restore';
import { RUN_START } from '../../runs/state-machine';
import { copyUsersSlice as copySlice } from './copy-sql';
import { getRun, insertedOrKept, runningChild, runWithKey } from './runs';

export function attrCounts(db: Db, runId: number): AttrCount[] {
  return statement(db, 'SELECT attr, asked, with_value AS withValue FROM run_attr_counts WHERE run_id = ? ORDER BY attr').all(runId) as AttrCount[];
}

/**
 * The removal a dry run leads to: the same users, attributes and app, as a new run. Only the run
 * row is written here: its users are copied from the dry run a slice at a time while it already
 * sends (copyUsersSlice), so a ten-million-user start answers at once. The same request key
 * returns the same run, and so does any ask while one is running: the insert is refused by
 * runs_request_key or runs_one_running_child_per_kind, not by a read before it, so a double click
 * or two operators at once make one removal on any database.
 */
export function createRemovalFromCheck(
  db: Db,
  checkId: number,
  start: { requestKey: string; operator: string | null },
): { ok: true; runId: number; users: number; existing: boolean } | { ok: false; refusal: FromCheckRefusal } {
  return db.transaction(() => {
    const earlier = runWithKey(db, start.requestKey);
    if (earlier) return { ok: true as const, runId: earlier.id, users: earlier.total, existing: true };
    const check = getRun(db, checkId);
    if (!check) return { ok: false as const, refusal: 'not-found' as const };
    if (check.kind !== 'check') return { ok: false as const, refusal: 'not-a-check' as const };
    if (check.status === 'running') return { ok: false as const, refusal: 'still-running' as const };
    const inserted = statement(
      db,
      `INSERT INTO runs (created_at, source, kind, app_id, sdkappid, region, attrs, operator, parent_run_id, status, total,
                         picked_attrs, file_name, rows_read, invalid_rows, duplicate_rows, request_key, copy_from)
       SELECT ?, source, 'remove', app_id, sdkappid, region, attrs, ?, id, ?, total,
              picked_attrs, file_name, rows_read, invalid_rows, duplicate_rows, ?, id
       FROM runs WHERE id = ?
       ON CONFLICT DO NOTHING`,
    ).run(new Date().toISOString(), start.operator, RUN_START, start.requestKey, checkId);
    return insertedOrKept(inserted, check.total, () => runWithKey(db, start.requestKey) ?? runningChild(db, checkId, 'remove'));
  }).immediate();
}

/**
 * A restore run of a finished removal, linked to it by parent_run_id. Its size comes from the
 * counters (restoreState), its users are copied while it sends, as a removal from a dry run's are.
 * While one is running, asking again returns that one: a second insert is refused by
 * runs_one_running_child_per_kind, so a double click or two operators make one restore on any database.
 */
export function createRestoreRun(
  db: Db,
  removalId: number,
  meta: { operator: string | null },
): { ok: true; runId: number; users: number; existing: boolean } | { ok: false; refusal: RestoreRefusal } {
  return db.transaction(() => {
    const removal = getRun(db, removalId);
    if (!removal) return { ok: false as const, refusal: 'not-found' as const };
    if (removal.kind !== 'remove') return { ok: false as const, refusal: 'not-a-removal' as const };
    if (removal.status === 'running') return { ok: false as const, refusal: 'still-running' as const };
    const state = restoreState(db, removal);
    if (state.kind === 'in-progress') {
      const going = getRun(db, state.restoreRunId)!;
      return { ok: true as const, runId: going.id, users: going.total, existing: true };
    }
    if (state.kind === 'none') return { ok: false as const, refusal: state.reason === 'purged' ? ('purged' as const) : ('nothing-to-restore' as const) };
    const inserted = statement(
      db,
      `INSERT INTO runs (created_at, source, kind, app_id, sdkappid, region, attrs, operator, parent_run_id, status, total, copy_from)
       SELECT ?, 'restore', 'restore', app_id, sdkappid, region, attrs, ?, id, ?, ?, id FROM runs WHERE id = ?
       ON CONFLICT DO NOTHING`,
    ).run(new Date().toISOString(), meta.operator, RUN_START, state.users, removalId);
    return insertedOrKept(inserted, state.users, () => runningChild(db, removalId, 'restore'));
  }).immediate();
}

/**
 * The next slice of a run's copy (copy-sql.ts), in one transaction on this connection: for an
 * in-memory database, which no thread can open. A file's store copies on its thread (writer-thread.ts).
 */
export function copyUsersSlice(db: Db, runId: number, slice: number): { done: boolean } {
  return db.transaction(() => copySlice(db, runId, slice)).immediate();
}

export function restoreState(db: Db, run: RunSummary): RestoreState {
  const restores = statement(db, "SELECT id, status, removed + skipped AS settled FROM runs WHERE parent_run_id = ? AND kind = 'restore' ORDER BY id").all(run.id) as RestoreChild[];
  return restoreStateFrom(run, restores);
}

/**
 * Finished runs not purged yet that ended before the cutoff, oldest first. Every kind and every
 * run, not only those with restorable users: a cancelled removal keeps the snapshots of batches it
 * read but never removed. Each is swept once, then marked.
 */
export function runsToPurgeBefore(db: Db, finishedBeforeIso: string): number[] {
  return statement(db, 'SELECT id FROM runs WHERE values_purged_at IS NULL AND finished_at IS NOT NULL AND finished_at < ? ORDER BY id')
    .pluck()
    .all(finishedBeforeIso) as number[];
}

/** Clears one slice of a run's kept values; the next seq to start from, or null when none is left. */
export function purgeValuesSlice(db: Db, runId: number, afterSeq: number, slice = 20_000): { cleared: number; next: number | null } {
  return db.transaction(() => {
    const last = statement(db, 'SELECT seq FROM run_users WHERE run_id = ? AND seq > ? ORDER BY seq LIMIT 1 OFFSET ?').pluck().get(runId, afterSeq, slice - 1) as
      | number
      | undefined;
    const upTo = last ?? Number.MAX_SAFE_INTEGER;
    // An empty '{}' (the user had none) says nothing about anyone and stays.
    const cleared = statement(db, "UPDATE run_users SET attr_values = NULL WHERE run_id = ? AND seq > ? AND seq <= ? AND attr_values IS NOT NULL AND attr_values <> '{}'").run(
      runId,
      afterSeq,
      upTo,
    ).changes;
    return { cleared, next: last ?? null };
  }).immediate();
}

export function markValuesPurged(db: Db, runId: number, atIso: string): void {
  statement(db, 'UPDATE runs SET values_purged_at = ? WHERE id = ?').run(atIso, runId);
}
