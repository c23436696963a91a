// The copy of a run's users from the run it was made from (a dry run's removal, a restore), a
// slice at a time, and the fence it is written under. No `import 'server-only'` here, unlike the
// store's other files: the writer thread (writer-worker.ts) loads it, and in Node that package is its
// client variant and throws. Only the store (values.ts, lease.ts, writer-worker.ts) reaches it.
import type Database from 'better-sqlite3';
import { isRestorable } from '../../runs/restore';
import type { UserResult } from '../../runs/state-machine';
import type { Fence } from '../../lease/fence';
import type { Attrs } from '../../tim/wire';
import { statement } from './statements';

/** Whether this database's lease is still held by the fence's holder: an app's fence is never issued on SQLite. */
export function fenceHeld(db: Database.Database, fence: Fence, nowMs: number): boolean {
  return fence.scope === 'database' && statement(db, 'SELECT 1 FROM worker_lease WHERE id = 1 AND holder = ? AND expires_ms > ?').get(fence.holder, nowMs) !== undefined;
}

/**
 * Copies the next slice of a run's users from the run it was made from, keeping their positions.
 * A restore takes only the restorable users, with the values to write back. `done` once the copy
 * is complete: then a restore's total is set to what was copied, in case the counters it was
 * sized by were off.
 */
export function copyUsersSlice(db: Database.Database, runId: number, slice: number): { done: boolean } {
  const run = statement(db, 'SELECT kind, copy_from, copied_upto FROM runs WHERE id = ?').get(runId) as
    | { kind: string; copy_from: number | null; copied_upto: number }
    | undefined;
  if (!run || run.copy_from === null) return { done: true };
  const last = statement(db, 'SELECT seq FROM run_users WHERE run_id = ? AND seq > ? ORDER BY seq LIMIT 1 OFFSET ?').pluck().get(run.copy_from, run.copied_upto, slice - 1) as
    | number
    | undefined;
  const upTo = last ?? Number.MAX_SAFE_INTEGER;
  if (run.kind === 'restore') copyRestorable(db, runId, run.copy_from, run.copied_upto, upTo);
  else {
    statement(
      db,
      `INSERT INTO run_users (run_id, seq, user_id, attrs, with_picked)
       SELECT ?, seq, user_id, attrs, with_picked FROM run_users WHERE run_id = ? AND seq > ? AND seq <= ?`,
    ).run(runId, run.copy_from, run.copied_upto, upTo);
  }
  if (last !== undefined) {
    statement(db, 'UPDATE runs SET copied_upto = ? WHERE id = ?').run(last, runId);
    return { done: false };
  }
  statement(db, 'UPDATE runs SET copy_from = NULL, copied_upto = 0 WHERE id = ?').run(runId);
  if (run.kind === 'restore') statement(db, 'UPDATE runs SET total = (SELECT COUNT(*) FROM run_users WHERE run_id = ?) WHERE id = ?').run(runId, runId);
  return { done: true };
}

/**
 * A restore takes the users isRestorable picks, with the values to write back and their names as
 * the attributes. What earlier restores did to each user is looked up only if one of them settled
 * anyone (by its counters): the first restore of a removal, the common case, reads no other rows.
 */
function copyRestorable(db: Database.Database, runId: number, removalId: number, afterSeq: number, upTo: number): void {
  const settledBefore = statement(db, "SELECT 1 FROM runs WHERE parent_run_id = ? AND kind = 'restore' AND id <> ? AND removed + skipped > 0 LIMIT 1")
    .pluck()
    .get(removalId, runId);
  const earlier = settledBefore
    ? `(SELECT json_group_array(r.result) FROM runs rr JOIN run_users r ON r.run_id = rr.id AND r.user_id = p.user_id
        WHERE rr.parent_run_id = p.run_id AND rr.kind = 'restore' AND rr.id <> ?)`
    : "'[]'";
  const users = statement(db, `SELECT p.seq, p.result, p.attr_values, ${earlier} AS earlier FROM run_users p WHERE p.run_id = ? AND p.seq > ? AND p.seq <= ?`).all(
    ...(settledBefore ? [runId] : []),
    removalId,
    afterSeq,
    upTo,
  ) as { seq: number; result: UserResult; attr_values: string | null; earlier: string }[];
  const none: UserResult[] = [];
  const picked = users
    .filter((u) => isRestorable({ result: u.result, values: u.attr_values === null ? null : (JSON.parse(u.attr_values) as Attrs) }, settledBefore ? (JSON.parse(u.earlier) as UserResult[]) : none))
    .map((u) => u.seq);
  statement(
    db,
    `INSERT INTO run_users (run_id, seq, user_id, attrs, attr_values)
     SELECT ?, p.seq, p.user_id, (SELECT json_group_array(key) FROM json_each(p.attr_values)), p.attr_values
     FROM run_users p WHERE p.run_id = ? AND p.seq IN (SELECT value FROM json_each(?))`,
  ).run(runId, removalId, JSON.stringify(picked));
}
