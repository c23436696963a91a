import 'server-only';
import type { UserOutcome } from '../../engine/engine';
import type { RunTarget } from '../../engine/operations';
import type { Attrs } from '../../tim/wire';
import { progressSlot, type ProgressSecond } from '../../runs/progress';
import { assertUserMove, type UserResult } from '../../runs/state-machine';
import { tallyOutcomes } from '../../runs/tally';
import type { FailureGroup, RunSummary, RunUser, UserFilter } from '../../runs/types';
import { statement, type Db } from './database';
import { IS_RUN, pickedOf, toFailure, toSummary, type RunRow } from './runs';

interface RunUserRow {
  seq: number;
  user_id: string;
  attrs: string;
  with_picked: number;
  result: UserResult;
  error_key: string | null;
  error_code: number | null;
  error_info: string | null;
  attempts: number;
  attr_values: string | null;
  skipped_attrs: string | null;
}

/**
 * A CSV row that named no attributes takes the ones picked on the page when its run started, which
 * are kept once on the run rather than written into each of ten million rows at the click.
 */
export function withPicked(own: readonly string[], withPickedFlag: number, picked: readonly string[]): string[] {
  if (withPickedFlag !== 1 || picked.length === 0) return [...own];
  return [...new Set([...own, ...picked])];
}

function toRunUser(r: RunUserRow, picked: readonly string[]): RunUser {
  return {
    seq: r.seq,
    userId: r.user_id,
    attrs: withPicked(JSON.parse(r.attrs) as string[], r.with_picked, picked),
    result: r.result,
    failure: toFailure(r.error_key, r.error_code, r.error_info),
    attempts: r.attempts,
    values: r.attr_values === null ? null : (JSON.parse(r.attr_values) as Attrs),
    skipped: r.skipped_attrs === null ? [] : (JSON.parse(r.skipped_attrs) as string[]),
  };
}

/**
 * Users still pending, in order, a page at a time: what a run (new or resumed after a restart)
 * has left to send. Rows finished by an earlier process are never read again.
 */
export function pendingTargets(db: Db, runId: number, afterSeq: number, limit: number): RunTarget[] {
  const picked = pickedOf(statement(db, 'SELECT picked_attrs FROM runs WHERE id = ?').pluck().get(runId) as string | null);
  const rows = statement(
    db,
    "SELECT seq, user_id, attrs, with_picked, attr_values FROM run_users WHERE run_id = ? AND result = 'pending' AND seq > ? ORDER BY seq LIMIT ?",
  ).all(runId, afterSeq, limit) as { seq: number; user_id: string; attrs: string; with_picked: number; attr_values: string | null }[];
  // Rows share a handful of attribute lists; build each once per page instead of once per user.
  const lists = new Map<string, string[]>();
  return rows.map((r) => {
    const key = `${r.with_picked}${r.attrs}`;
    let attrs = lists.get(key);
    if (!attrs) lists.set(key, (attrs = withPicked(JSON.parse(r.attrs) as string[], r.with_picked, picked)));
    return { seq: r.seq, account: r.user_id, attrs, values: r.attr_values === null ? null : (JSON.parse(r.attr_values) as Attrs) };
  });
}

/**
 * One transaction per batch. Only rows still pending change, so a batch reported twice (e.g.
 * replayed after a restart) cannot be counted twice and the run's counts always add up. The users
 * it finished are added to its second in the run's ring of recent seconds: one more upsert by key.
 */
export function recordOutcomes(db: Db, runId: number, outcomes: readonly UserOutcome[], requests: number, atMs = Date.now()): void {
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

export function recentProgress(db: Db, runId: number): ProgressSecond[] {
  return statement(
    db,
    'SELECT second, first_ms AS firstMs, first_users AS firstUsers, last_ms AS lastMs, users FROM run_progress WHERE run_id = ? ORDER BY second',
  ).all(runId) as ProgressSecond[];
}

/** A removal's snapshot of a batch, written before its remove_attr goes out, so a crash after it loses nothing. */
export function keepValues(db: Db, runId: number, kept: readonly { seq: number; values: Attrs }[]): void {
  const keep = statement(db, "UPDATE run_users SET attr_values = ? WHERE run_id = ? AND seq = ? AND result = 'pending'");
  db.transaction(() => {
    for (const k of kept) keep.run(JSON.stringify(k.values), runId, k.seq);
  }).immediate();
}

/** Keyset pagination by seq (indexed, also per filter): constant cost per page deep into a million rows. */
export function listRunUsers(db: Db, runId: number, opts: { afterSeq?: number; limit: number; filter?: UserFilter }): RunUser[] {
  const where = ['run_id = ?', 'seq > ?'];
  const args: (string | number)[] = [runId, opts.afterSeq ?? 0];
  if (opts.filter?.result) {
    where.push('result = ?');
    args.push(opts.filter.result);
  }
  if (opts.filter?.errorKey) {
    where.push('error_key = ?');
    args.push(opts.filter.errorKey);
  }
  if (opts.filter?.userId !== undefined) {
    where.push('user_id = ?');
    args.push(opts.filter.userId);
  }
  const picked = pickedOf(statement(db, 'SELECT picked_attrs FROM runs WHERE id = ?').pluck().get(runId) as string | null);
  const rows = db
    .prepare(`SELECT * FROM run_users WHERE ${where.join(' AND ')} ORDER BY seq LIMIT ?`)
    .all(...args, opts.limit) as RunUserRow[];
  return rows.map((r) => toRunUser(r, picked));
}

export function findUserAcrossRuns(db: Db, userId: string, limit = 200): { run: RunSummary; user: RunUser }[] {
  const users = db
    .prepare(
      `SELECT u.run_id, u.seq, u.user_id, u.attrs, u.with_picked, u.result, u.error_key, u.error_code, u.error_info, u.attempts,
              u.attr_values, u.skipped_attrs
       FROM run_users u JOIN runs r ON r.id = u.run_id
       WHERE u.user_id = ? AND r.${IS_RUN} ORDER BY u.run_id DESC LIMIT ?`,
    )
    .all(userId, limit) as (RunUserRow & { run_id: number })[];
  const getRunRow = statement(db, 'SELECT * FROM runs WHERE id = ?');
  return users.map((u) => {
    const run = getRunRow.get(u.run_id) as RunRow;
    return { run: toSummary(run), user: toRunUser(u, pickedOf(run.picked_attrs)) };
  });
}

/**
 * Failed users grouped by reason, most common first; `info` is the server's words the first time.
 * Counted as each batch is recorded, so the run page reads a handful of rows, not every failed user.
 */
export function failureGroups(db: Db, runId: number): FailureGroup[] {
  return statement(db, 'SELECT error_key AS key, error_code AS code, info, count FROM run_failures WHERE run_id = ? ORDER BY count DESC, error_key').all(
    runId,
  ) as FailureGroup[];
}
