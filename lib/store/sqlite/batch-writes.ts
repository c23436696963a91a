// What a pass writes as its batches go: each batch's outcomes, and a removal's snapshot before its
// call. No `import 'server-only'` here, unlike the store's other files: in Node that package is its
// client variant and throws, and a thread of the store may load this file.
import type Database from 'better-sqlite3';
import type { UserOutcome } from '../../engine/engine';
import { progressSlot } from '../../runs/progress';
import { assertUserMove } from '../../runs/state-machine';
import { tallyOutcomes } from '../../runs/tally';
import type { Attrs } from '../../tim/wire';
import { statement } from './statements';

/**
 * One transaction per batch. Only rows still pending change, so a batch reported twice (e.g.
 * replayed after a restart) cannot be counted twice and the run's counts always add up. The users
 * it finished are added to its second in the run's ring of recent seconds: one more upsert by key.
 */
export function recordOutcomes(db: Database.Database, runId: number, outcomes: readonly UserOutcome[], requests: number, atMs = Date.now()): void {
  // A pending row has no error, so a user that did not fail leaves the error columns alone: SQLite
  // then leaves run_users_by_error alone too, one index fewer rewritten per user.
  const settle = statement(
    db,
    `UPDATE run_users SET result = ?, attempts = ?, attr_values = COALESCE(?, attr_values), skipped_attrs = ?
     WHERE run_id = ? AND seq = ? AND result = 'pending'`,
  );
  const fail = statement(
    db,
    `UPDATE run_users SET result = 'failed', error_key = ?, error_code = ?, error_info = ?, attempts = ?
     WHERE run_id = ? AND seq = ? AND result = 'pending'`,
  );
  const bump = statement(
    db,
    `UPDATE runs SET removed = removed + ?, skipped = skipped + ?, nothing_to_remove = nothing_to_remove + ?, failed = failed + ?,
                     with_values = with_values + ?, requests = requests + ? WHERE id = ?`,
  );
  const countFailures = statement(
    db,
    `INSERT INTO run_failures (run_id, error_key, error_code, info, count) VALUES (?, ?, ?, ?, ?)
     ON CONFLICT (run_id, error_key) DO UPDATE SET count = count + excluded.count`,
  );
  const countAttr = statement(
    db,
    `INSERT INTO run_attr_counts (run_id, attr, asked, with_value) VALUES (?, ?, ?, ?)
     ON CONFLICT (run_id, attr) DO UPDATE SET asked = asked + excluded.asked, with_value = with_value + excluded.with_value`,
  );
  // A slot holding an older second starts over; one holding a newer second (a late write) is left alone.
  const countSecond = statement(
    db,
    `INSERT INTO run_progress (run_id, slot, second, first_ms, first_users, last_ms, users) VALUES (?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT (run_id, slot) DO UPDATE SET
       first_ms = CASE WHEN run_progress.second = excluded.second THEN run_progress.first_ms ELSE excluded.first_ms END,
       first_users = CASE WHEN run_progress.second = excluded.second THEN run_progress.first_users ELSE excluded.first_users END,
       users = CASE WHEN run_progress.second = excluded.second THEN run_progress.users + excluded.users ELSE excluded.users END,
       last_ms = CASE WHEN run_progress.second = excluded.second THEN MAX(run_progress.last_ms, excluded.last_ms) ELSE excluded.last_ms END,
       second = excluded.second
     WHERE excluded.second >= run_progress.second`,
  );
  db.transaction(() => {
    const moved: UserOutcome[] = [];
    for (const o of outcomes) {
      assertUserMove('pending', o.status);
      const changed =
        o.status === 'failed'
          ? fail.run(o.failure.key, o.failure.code, o.failure.info, o.attempts, runId, o.seq).changes
          : settle.run(o.status, o.attempts, o.values && !o.valuesKept ? JSON.stringify(o.values) : null, o.skipped && o.skipped.length > 0 ? JSON.stringify(o.skipped) : null, runId, o.seq).changes;
      if (changed > 0) moved.push(o);
    }
    const tally = tallyOutcomes(moved);
    bump.run(tally.succeeded, tally.skipped, tally.nothingToRemove, tally.failed, tally.withValues, requests, runId);
    if (tally.finished > 0) {
      const { second, slot } = progressSlot(atMs);
      countSecond.run(runId, slot, second, atMs, tally.finished, atMs, tally.finished);
    }
    for (const { failure, count } of tally.failures) countFailures.run(runId, failure.key, failure.code, failure.info, count);
    for (const { attr, asked, withValue } of tally.attrs) countAttr.run(runId, attr, asked, withValue);
  }).immediate();
}

/** A removal's snapshot of a batch, written before its remove_attr goes out, so a crash after it loses nothing. */
export function keepValues(db: Database.Database, runId: number, kept: readonly { seq: number; values: Attrs }[]): void {
  const keep = statement(db, "UPDATE run_users SET attr_values = ? WHERE run_id = ? AND seq = ? AND result = 'pending'");
  db.transaction(() => {
    for (const k of kept) keep.run(JSON.stringify(k.values), runId, k.seq);
  }).immediate();
}
