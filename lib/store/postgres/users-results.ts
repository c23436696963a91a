import 'server-only';
import type pg from 'pg';
import type { UserOutcome } from '../../engine/engine';
import type { RunTarget } from '../../engine/operations';
import type { Attrs } from '../../tim/wire';
import { progressSlot, type ProgressSecond } from '../../runs/progress';
import { assertUserMove, type UserResult } from '../../runs/state-machine';
import { tallyOutcomes } from '../../runs/tally';
import type { FailureGroup, RunSummary, RunUser, UserFilter } from '../../runs/types';
import type { Db } from './database';
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
 * One batch, in the caller's transaction (one per batch). The run's row is locked first, as
 * finish locks it first, so a batch recorded while another process closes the run waits instead
 * of deadlocking. Only rows still
 * pending change (the UPDATE re-checks that on rows another writer changed meanwhile), and only
 * those are counted, so a batch reported twice, by this process or by one that lost the run,
 * cannot be counted twice.
 */
export async function recordOutcomes(db: pg.PoolClient, runId: number, outcomes: readonly UserOutcome[], requests: number, atMs = Date.now()): Promise<void> {
  for (const o of outcomes) assertUserMove('pending', o.status);
  await db.query('SELECT 1 FROM runs WHERE id = $1 FOR NO KEY UPDATE', [runId]);
  const failureOf = (o: UserOutcome) => (o.status === 'failed' ? o.failure : null);
  const settled = (o: UserOutcome) => (o.status === 'failed' ? null : o);
  const moved = await db.query<{ seq: number }>(
    `UPDATE run_users u SET result = v.result, error_key = v.error_key, error_code = v.error_code, error_info = v.error_info, attempts = v.attempts,
                            attr_values = COALESCE(v.attr_values::json, u.attr_values), skipped_attrs = v.skipped::text[]
     FROM unnest($2::int[], $3::text[], $4::text[], $5::int[], $6::text[], $7::int[], $8::text[], $9::text[])
       AS v(seq, result, error_key, error_code, error_info, attempts, attr_values, skipped)
     WHERE u.run_id = $1 AND u.seq = v.seq AND u.result = 'pending'
     RETURNING u.seq`,
    [
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
    ],
  );
  const movedSeqs = new Set(moved.rows.map((r) => r.seq));
  const t = tallyOutcomes(outcomes.filter((o) => movedSeqs.has(o.seq)));
  await db.query(
    `UPDATE runs SET removed = removed + $2, skipped = skipped + $3, nothing_to_remove = nothing_to_remove + $4, failed = failed + $5,
                     with_values = with_values + $6, requests = requests + $7 WHERE id = $1`,
    [runId, t.succeeded, t.skipped, t.nothingToRemove, t.failed, t.withValues, requests],
  );
  const finished = t.finished;
  if (finished > 0) {
    const { second, slot } = progressSlot(atMs);
    // A slot holding an older second starts over; one holding a newer second (a late write) is left alone.
    await db.query(
      `INSERT INTO run_progress (run_id, slot, second, first_ms, first_users, last_ms, users) VALUES ($1, $2, $3, $4, $5, $4, $5)
       ON CONFLICT (run_id, slot) DO UPDATE SET
         first_ms = CASE WHEN run_progress.second = excluded.second THEN run_progress.first_ms ELSE excluded.first_ms END,
         first_users = CASE WHEN run_progress.second = excluded.second THEN run_progress.first_users ELSE excluded.first_users END,
         users = CASE WHEN run_progress.second = excluded.second THEN run_progress.users + excluded.users ELSE excluded.users END,
         last_ms = CASE WHEN run_progress.second = excluded.second THEN GREATEST(run_progress.last_ms, excluded.last_ms) ELSE excluded.last_ms END,
         second = excluded.second
       WHERE excluded.second >= run_progress.second`,
      [runId, slot, second, atMs, finished],
    );
  }
  if (t.failures.length > 0) {
    const groups = t.failures;
    await db.query(
      `INSERT INTO run_failures (run_id, error_key, error_code, info, count)
       SELECT $1, k, c, i, n FROM unnest($2::text[], $3::int[], $4::text[], $5::int[]) AS g(k, c, i, n)
       ON CONFLICT (run_id, error_key) DO UPDATE SET count = run_failures.count + excluded.count`,
      [runId, groups.map((g) => g.failure.key), groups.map((g) => g.failure.code), groups.map((g) => g.failure.info), groups.map((g) => g.count)],
    );
  }
  if (t.attrs.length > 0) {
    const attrs = t.attrs;
    await db.query(
      `INSERT INTO run_attr_counts (run_id, attr, asked, with_value)
       SELECT $1, a, n, v FROM unnest($2::text[], $3::int[], $4::int[]) AS c(a, n, v)
       ON CONFLICT (run_id, attr) DO UPDATE SET asked = run_attr_counts.asked + excluded.asked, with_value = run_attr_counts.with_value + excluded.with_value`,
      [runId, attrs.map((c) => c.attr), attrs.map((c) => c.asked), attrs.map((c) => c.withValue)],
    );
  }
}

export async function recentProgress(db: Db, runId: number): Promise<ProgressSecond[]> {
  return (
    await db.query<ProgressSecond>(
      'SELECT second, first_ms AS "firstMs", first_users AS "firstUsers", last_ms AS "lastMs", users FROM run_progress WHERE run_id = $1 ORDER BY second',
      [runId],
    )
  ).rows;
}

/** A removal's snapshot of a batch, written before its remove_attr goes out, so a crash after it loses nothing. */
export async function keepValues(db: Db, runId: number, kept: readonly { seq: number; values: Attrs }[]): Promise<void> {
  await db.query(
    `UPDATE run_users u SET attr_values = k.v::json FROM unnest($2::int[], $3::text[]) AS k(seq, v)
     WHERE u.run_id = $1 AND u.seq = k.seq AND u.result = 'pending'`,
    [runId, kept.map((k) => k.seq), kept.map((k) => JSON.stringify(k.values))],
  );
}

/** Keyset pagination by seq (indexed, also per filter): constant cost per page deep into a million rows. */
export async function listRunUsers(db: Db, runId: number, opts: { afterSeq?: number; limit: number; filter?: UserFilter }): Promise<RunUser[]> {
  const args: (string | number)[] = [runId, opts.afterSeq ?? 0];
  const where = ['run_id = $1', 'seq > $2'];
  const add = (column: string, value: string) => where.push(`${column} = $${args.push(value)}`);
  if (opts.filter?.result) add('result', opts.filter.result);
  if (opts.filter?.errorKey) add('error_key', opts.filter.errorKey);
  if (opts.filter?.userId !== undefined) add('user_id', opts.filter.userId);
  const picked = await pickedOf(db, runId);
  const rows = (await db.query<RunUserRow>(`SELECT * FROM run_users WHERE ${where.join(' AND ')} ORDER BY seq LIMIT $${args.push(opts.limit)}`, args)).rows;
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
