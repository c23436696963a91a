import 'server-only';
import type { UserOutcome } from '../../engine/engine';
import type { RunTarget } from '../../engine/operations';
import type { Attrs } from '../../tim/wire';
import { progressSlot, type ProgressSecond } from '../../runs/progress';
import { assertUserMove, type UserResult } from '../../runs/state-machine';
import { countUser } from '../../runs/tally';
import { LeaseLost, type Fence } from '../../lease/fence';
import { fenceHeld } from './app-leases';
import type { FailureGroup, RunSummary, RunUser, UserFilter } from '../../runs/types';
import type { Db } from './database';
import type { RecordedOutcomes } from '../store';
import { IS_RUN, pgArray, toFailure, toSummary, type RunRow } from './runs';

interface RunUserRow {
  seq: number;
  user_id: string;
  attrs: string[];
  with_picked: boolean;
  result: UserResult;
  error_key: string | null;
  error_code: number | null;
  error_info: string | null;
  attempts: number;
  attr_values: Attrs | null;
  skipped_attrs: string[] | null;
}

/** A CSV row that named no attributes takes the ones picked on the page when its run started, kept once on the run. */
function withPicked(own: readonly string[], flag: boolean, picked: readonly string[]): string[] {
  if (!flag || picked.length === 0) return [...own];
  return [...new Set([...own, ...picked])];
}

const toRunUser = (r: RunUserRow, picked: readonly string[]): RunUser => ({
  seq: r.seq,
  userId: r.user_id,
  attrs: withPicked(r.attrs, r.with_picked, picked),
  result: r.result,
  failure: toFailure(r.error_key, r.error_code, r.error_info),
  attempts: r.attempts,
  values: r.attr_values,
  skipped: r.skipped_attrs ?? [],
});

async function pickedOf(db: Db, runId: number): Promise<string[]> {
  return (await db.query<{ picked_attrs: string[] | null }>('SELECT picked_attrs FROM runs WHERE id = $1', [runId])).rows[0]?.picked_attrs ?? [];
}

/** Users still pending, in order, a page at a time: what a run (new or resumed anywhere) has left to send. */
export async function pendingTargets(db: Db, runId: number, afterSeq: number, limit: number): Promise<RunTarget[]> {
  const picked = await pickedOf(db, runId);
  const rows = (
    await db.query<Pick<RunUserRow, 'seq' | 'user_id' | 'attrs' | 'with_picked' | 'attr_values'>>(
      "SELECT seq, user_id, attrs, with_picked, attr_values FROM run_users WHERE run_id = $1 AND result = 'pending' AND seq > $2 ORDER BY seq LIMIT $3",
      [runId, afterSeq, limit],
    )
  ).rows;
  return rows.map((r) => ({ seq: r.seq, account: r.user_id, attrs: withPicked(r.attrs, r.with_picked, picked), values: r.attr_values }));
}

/**
 * One batch in one statement, so the run's row is locked for that statement only (a batch per
 * statement, not a transaction of round trips each waited for while the lanes queue). In order,
 * each step reading the one before:
 * - `held`: the fence (see checkFence), locked until the statement ends, or nothing is written;
 * - `run`: the run's row, locked before any user, as finish locks it first, so a batch recorded
 *   while another process closes the run waits instead of deadlocking;
 * - `moved`: the users still pending (re-checked on rows another writer changed meanwhile), the
 *   only ones counted, so a batch reported twice cannot be counted twice. Each is looked up by its
 *   run and position, the run's id taken from `v` (materialized) rather than given as a constant:
 *   for a run copied since the last ANALYZE the planner would otherwise count on a few pending
 *   users and hash all of them, every batch (plans.test.ts);
 * - the counters, the pace, the failure groups and the attribute counts, summed over `moved` from
 *   what each user adds (countUser);
 * - the run's cancel flag, read under the run's lock, for the pass (RunStore.recordOutcomes).
 *
 * Named, as keepValues is, so each connection parses it once and Postgres may plan it once for any
 * values (plans.test.ts checks that plan too): about 28 % less server CPU for a batch's two
 * statements than sending their text every time.
 */
export async function recordOutcomes(
  db: Db,
  runId: number,
  outcomes: readonly UserOutcome[],
  requests: number,
  atMs = Date.now(),
  fence: Fence | null = null,
): Promise<RecordedOutcomes> {
  for (const o of outcomes) assertUserMove('pending', o.status);
  const failureOf = (o: UserOutcome) => (o.status === 'failed' ? o.failure : null);
  const settled = (o: UserOutcome) => (o.status === 'failed' ? null : o);
  const counts = outcomes.map(countUser);
  const asked = outcomes.flatMap((o, i) => counts[i]!.attrs.map((a) => ({ seq: o.seq, ...a })));
  const { second, slot } = progressSlot(atMs);
  const params: unknown[] = [
    runId,
    outcomes.map((o) => o.seq),
    outcomes.map((o) => o.status),
    outcomes.map((o) => failureOf(o)?.key ?? null),
    outcomes.map((o) => failureOf(o)?.code ?? null),
    outcomes.map((o) => failureOf(o)?.info ?? null),
    outcomes.map((o) => o.attempts),
    outcomes.map((o) => {
      const s = settled(o);
      return s?.values && !s.valuesKept ? JSON.stringify(s.values) : null;
    }),
    outcomes.map((o) => {
      const s = settled(o);
      return s?.skipped && s.skipped.length > 0 ? pgArray(s.skipped) : null;
    }),
    counts.map((c) => c.counter),
    counts.map((c) => c.withValues),
    requests,
    slot,
    second,
    atMs,
    asked.map((a) => a.seq),
    asked.map((a) => a.attr),
    asked.map((a) => a.withValue),
  ];
  const held = fenceHeld(fence, Date.now(), params.length + 1);
  const { rows } = await db.query<{ held: boolean; cancel_requested: boolean | null }>({
    name: `record-outcomes-${fence?.scope ?? 'unfenced'}`,
    text: `WITH held AS (${held.sql}),
     run AS (SELECT id, cancel_requested FROM runs WHERE id = $1 AND EXISTS (SELECT 1 FROM held) FOR NO KEY UPDATE),
     v AS MATERIALIZED (
       SELECT run.id AS run_id, x.* FROM run CROSS JOIN unnest($2::int[], $3::text[], $4::text[], $5::int[], $6::text[], $7::int[], $8::text[], $9::text[], $10::text[], $11::bool[])
         AS x(seq, result, error_key, error_code, error_info, attempts, attr_values, skipped, counter, with_values)),
     moved AS (
       UPDATE run_users u SET result = v.result, error_key = v.error_key, error_code = v.error_code, error_info = v.error_info, attempts = v.attempts,
                              attr_values = COALESCE(v.attr_values::json, u.attr_values), skipped_attrs = v.skipped::text[]
       FROM v WHERE u.run_id = v.run_id AND u.seq = v.seq AND u.result = 'pending'
       RETURNING v.seq, v.counter, v.with_values, v.error_key, v.error_code, v.error_info),
     t AS (SELECT count(*) FILTER (WHERE counter = 'succeeded') AS succeeded, count(*) FILTER (WHERE counter = 'skipped') AS skipped,
                  count(*) FILTER (WHERE counter = 'nothingToRemove') AS nothing_to_remove, count(*) FILTER (WHERE counter = 'failed') AS failed,
                  count(*) FILTER (WHERE with_values) AS with_values, count(*) AS finished
           FROM moved),
     counted AS (
       UPDATE runs r SET removed = removed + t.succeeded, skipped = r.skipped + t.skipped, nothing_to_remove = r.nothing_to_remove + t.nothing_to_remove,
                         failed = r.failed + t.failed, with_values = r.with_values + t.with_values, requests = requests + $12::int
       FROM t WHERE r.id = (SELECT id FROM run)),
     paced AS (
       -- A slot holding an older second starts over; one holding a newer second (a late write) is left alone.
       INSERT INTO run_progress (run_id, slot, second, first_ms, first_users, last_ms, users)
       SELECT (SELECT id FROM run), $13::int, $14::bigint, $15::bigint, t.finished, $15::bigint, t.finished FROM t WHERE t.finished > 0
       ON CONFLICT (run_id, slot) DO UPDATE SET
         first_ms = CASE WHEN run_progress.second = excluded.second THEN run_progress.first_ms ELSE excluded.first_ms END,
         first_users = CASE WHEN run_progress.second = excluded.second THEN run_progress.first_users ELSE excluded.first_users END,
         users = CASE WHEN run_progress.second = excluded.second THEN run_progress.users + excluded.users ELSE excluded.users END,
         last_ms = CASE WHEN run_progress.second = excluded.second THEN GREATEST(run_progress.last_ms, excluded.last_ms) ELSE excluded.last_ms END,
         second = excluded.second
       WHERE excluded.second >= run_progress.second),
     grouped AS (
       -- Each group keeps the failure as first seen: its first user's.
       INSERT INTO run_failures (run_id, error_key, error_code, info, count)
       SELECT (SELECT id FROM run), error_key, (array_agg(error_code ORDER BY seq))[1], (array_agg(error_info ORDER BY seq))[1], count(*)
       FROM moved WHERE counter = 'failed' GROUP BY error_key
       ON CONFLICT (run_id, error_key) DO UPDATE SET count = run_failures.count + excluded.count),
     asked AS (
       INSERT INTO run_attr_counts (run_id, attr, asked, with_value)
       SELECT (SELECT id FROM run), a.attr, count(*), count(*) FILTER (WHERE a.with_value)
       FROM unnest($16::int[], $17::text[], $18::bool[]) AS a(seq, attr, with_value) JOIN moved m ON m.seq = a.seq GROUP BY a.attr
       ON CONFLICT (run_id, attr) DO UPDATE SET asked = run_attr_counts.asked + excluded.asked, with_value = run_attr_counts.with_value + excluded.with_value)
     SELECT EXISTS (SELECT 1 FROM held) AS held, (SELECT cancel_requested FROM run) AS cancel_requested`,
    values: [...params, ...held.params],
  });
  if (fence !== null && !rows[0]?.held) throw new LeaseLost(fence);
  return { cancelRequested: rows[0]?.cancel_requested === true };
}

export async function recentProgress(db: Db, runId: number): Promise<ProgressSecond[]> {
  return (
    await db.query<ProgressSecond>(
      'SELECT second, first_ms AS "firstMs", first_users AS "firstUsers", last_ms AS "lastMs", users FROM run_progress WHERE run_id = $1 ORDER BY second',
      [runId],
    )
  ).rows;
}


/** A removal's snapshot of a batch, written before its remove_attr goes out, so a crash after it loses nothing. Checks the fence in the same statement, and looks users up as recordOutcomes does. */
export async function keepValues(db: Db, runId: number, kept: readonly { seq: number; values: Attrs }[], fence: Fence | null = null): Promise<void> {
  const held = fenceHeld(fence, Date.now(), 4);
  const { rows } = await db.query<{ held: boolean }>({
    name: `keep-values-${fence?.scope ?? 'unfenced'}`,
    text: `WITH held AS (${held.sql}),
     k AS MATERIALIZED (SELECT $1::int AS run_id, x.* FROM unnest($2::int[], $3::text[]) AS x(seq, v) WHERE EXISTS (SELECT 1 FROM held)),
     kept AS (
       UPDATE run_users u SET attr_values = k.v::json FROM k WHERE u.run_id = k.run_id AND u.seq = k.seq AND u.result = 'pending')
     SELECT EXISTS (SELECT 1 FROM held) AS held`,
    values: [runId, kept.map((k) => k.seq), kept.map((k) => JSON.stringify(k.values)), ...held.params],
  });
  if (fence !== null && !rows[0]?.held) throw new LeaseLost(fence);
}

/**
 * Keyset pagination by seq (indexed, also per filter): constant cost per page deep into a million
 * rows. The run's id comes from a materialized CTE, as in recordOutcomes: for a run copied since
 * the last ANALYZE the planner would otherwise take the run for a handful of rows, and look for one
 * user by reading the whole run in order instead of through run_users_by_user (page-plans.test.ts).
 */
export async function listRunUsers(db: Db, runId: number, opts: { afterSeq?: number; limit: number; filter?: UserFilter }): Promise<RunUser[]> {
  const args: (string | number)[] = [runId, opts.afterSeq ?? 0];
  const where = ['u.run_id = k.run_id', 'u.seq > $2'];
  const add = (column: string, value: string) => where.push(`u.${column} = $${args.push(value)}`);
  if (opts.filter?.result) add('result', opts.filter.result);
  if (opts.filter?.errorKey) add('error_key', opts.filter.errorKey);
  if (opts.filter?.userId !== undefined) add('user_id', opts.filter.userId);
  const picked = await pickedOf(db, runId);
  const rows = (
    await db.query<RunUserRow>(
      `WITH k AS MATERIALIZED (SELECT $1::int AS run_id)
       SELECT u.* FROM k JOIN run_users u ON ${where.join(' AND ')} ORDER BY u.seq LIMIT $${args.push(opts.limit)}`,
      args,
    )
  ).rows;
  return rows.map((r) => toRunUser(r, picked));
}

export async function findUserAcrossRuns(db: Db, userId: string, limit = 200): Promise<{ run: RunSummary; user: RunUser }[]> {
  const rows = (
    await db.query<{ u: RunUserRow; r: RunRow }>(
      `SELECT row_to_json(u) AS u, row_to_json(r) AS r FROM run_users u JOIN runs r ON r.id = u.run_id
       WHERE u.user_id = $1 AND r.${IS_RUN} ORDER BY u.run_id DESC LIMIT $2`,
      [userId, limit],
    )
  ).rows;
  return rows.map(({ u, r }) => {
    const run = fromJsonRow(r);
    return { run: toSummary(run), user: toRunUser(u, run.picked_attrs ?? []) };
  });
}

/** A runs row read through row_to_json: its timestamps arrive as text. */
function fromJsonRow(r: RunRow): RunRow {
  const date = (v: unknown) => (v === null ? null : new Date(v as string));
  return { ...r, created_at: date(r.created_at)!, finished_at: date(r.finished_at), values_purged_at: date(r.values_purged_at) };
}

/** Failed users grouped by reason, most common first, counted as each batch was recorded. */
export async function failureGroups(db: Db, runId: number): Promise<FailureGroup[]> {
  return (
    await db.query<FailureGroup>('SELECT error_key AS key, error_code AS code, info, count FROM run_failures WHERE run_id = $1 ORDER BY count DESC, error_key COLLATE "C"', [runId])
  ).rows;
}
