import 'server-only';
import type { RunTarget } from '../../engine/operations';
import type { Attrs } from '../../tim/wire';
import type { ProgressSecond } from '../../runs/progress';
import type { UserResult } from '../../runs/state-machine';
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

export function recentProgress(db: Db, runId: number): ProgressSecond[] {
  return statement(
    db,
    'SELECT second, first_ms AS firstMs, first_users AS firstUsers, last_ms AS lastMs, users FROM run_progress WHERE run_id = ? ORDER BY second',
  ).all(runId) as ProgressSecond[];
}

/**
 * The index that holds a filter's users in seq order. This file keeps no statistics (no ANALYZE),
 * and without them SQLite reads a filtered page through the primary key in seq order and drops what
 * does not match: a million rows on the main thread (about 100 ms) for the few users that failed at
 * the end of a run (page-plans.test.ts).
 */
function filterIndex(filter: UserFilter | undefined): string {
  if (filter?.userId !== undefined) return 'INDEXED BY run_users_by_user';
  if (filter?.errorKey) return 'INDEXED BY run_users_by_error';
  if (filter?.result) return 'INDEXED BY run_users_by_result';
  return '';
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
    .prepare(`SELECT * FROM run_users ${filterIndex(opts.filter)} WHERE ${where.join(' AND ')} ORDER BY seq LIMIT ?`)
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
