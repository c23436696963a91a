import 'server-only';
import type { UserOutcome } from '../../engine/engine';
import type { Attrs, RunTarget } from '../../engine/operations';
import { assertRunMove, assertUserMove, IllegalTransition, statusAfter, UPLOAD_STATUSES, type RunEnd, type RunKind, type RunStatus, type UserResult } from '../../runs/state-machine';
import type { CancelRefusal, FailureGroup, NewRun, RetryRefusal, RunSource, RunSummary, RunUser, StoredFailure, UserFilter } from '../../runs/types';
import type { Failure } from '../../tim/outcomes';
import { statement, type Db } from './database';

interface RunRow {
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

const toFailure = (key: string | null, code: number | null, info: string | null): StoredFailure | null =>
  key === null ? null : { key, code, info: info ?? '' };

/** Runs only: uploads (uploading, staged, discarding) are read through uploads.ts. */
const IS_RUN = `status NOT IN (${UPLOAD_STATUSES.map((s) => `'${s}'`).join(', ')})`;

/**
 * A CSV row that named no attributes takes the ones picked on the page when its run started, which
 * are kept once on the run rather than written into each of ten million rows at the click.
 */
export function withPicked(own: readonly string[], withPickedFlag: number, picked: readonly string[]): string[] {
  if (withPickedFlag !== 1 || picked.length === 0) return [...own];
  return [...new Set([...own, ...picked])];
}

const pickedOf = (json: string | null): string[] => (json === null ? [] : (JSON.parse(json) as string[]));

function toSummary(r: RunRow): RunSummary {
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
 * Writes the run and every one of its users (as pending) in one transaction, before anything is
 * sent. `users` is read once, so a million of them can stream in from the CSV validator.
 */
export function createRun(db: Db, run: NewRun): { runId: number; existing: boolean } {
  const insertRun = statement(
    db,
    `INSERT INTO runs (created_at, source, kind, app_id, sdkappid, region, attrs, operator, parent_run_id, status, total,
                       file_name, rows_read, invalid_rows, duplicate_rows, request_key)
     VALUES (?, ?, ?, ?, ?, ?, '[]', ?, ?, 'running', 0, ?, ?, ?, ?, ?)`,
  );
  const insertUser = statement(db, 'INSERT INTO run_users (run_id, seq, user_id, attrs) VALUES (?, ?, ?, ?)');
  return db.transaction(() => {
    if (run.requestKey) {
      const earlier = statement(db, 'SELECT id FROM runs WHERE request_key = ?').pluck().get(run.requestKey) as number | undefined;
      if (earlier !== undefined) return { runId: earlier, existing: true };
    }
    const runId = Number(
      insertRun.run(
        new Date().toISOString(),
        run.source,
        run.kind ?? 'remove',
        run.appId,
        run.sdkAppId,
        run.region,
        run.operator,
        run.parentRunId ?? null,
        run.file?.name ?? null,
        run.file?.rowsRead ?? null,
        run.file?.invalidRows ?? null,
        run.file?.duplicateRows ?? null,
        run.requestKey ?? null,
      ).lastInsertRowid,
    );
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

/** Form runs finish inside their request in seconds; only background runs can be cancelled. */
export function requestCancel(db: Db, runId: number): { ok: true } | { ok: false; refusal: CancelRefusal } {
  return db.transaction(() => {
    const run = statement(db, 'SELECT source, status FROM runs WHERE id = ?').get(runId) as { source: RunSource; status: RunStatus } | undefined;
    if (!run) return { ok: false as const, refusal: 'not-found' as const };
    if (run.source === 'form') return { ok: false as const, refusal: 'form-run' as const };
    if (run.status !== 'running') return { ok: false as const, refusal: 'not-running' as const };
    statement(db, 'UPDATE runs SET cancel_requested = 1 WHERE id = ?').run(runId);
    return { ok: true as const };
  })();
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
 * One transaction per batch. Only rows still pending change, so a batch reported twice (e.g.
 * replayed after a restart) cannot be counted twice and the run's counts always add up.
 */
export function recordOutcomes(db: Db, runId: number, outcomes: readonly UserOutcome[], requests: number): void {
  const update = statement(
    db,
    `UPDATE run_users SET result = ?, error_key = ?, error_code = ?, error_info = ?, attempts = ?,
                          attr_values = COALESCE(?, attr_values), skipped_attrs = ?
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
  db.transaction(() => {
    let succeeded = 0;
    let skipped = 0;
    let nothing = 0;
    let failed = 0;
    let withValues = 0;
    const byKey = new Map<string, { failure: Failure; count: number }>();
    const byAttr = new Map<string, { asked: number; withValue: number }>();
    for (const o of outcomes) {
      assertUserMove('pending', o.status);
      const f = o.status === 'failed' ? o.failure : null;
      const values = o.status !== 'failed' && o.values && !o.valuesKept ? JSON.stringify(o.values) : null;
      const skippedAttrs = o.status !== 'failed' && o.skipped && o.skipped.length > 0 ? JSON.stringify(o.skipped) : null;
      const changed = update.run(o.status, f?.key ?? null, f?.code ?? null, f?.info ?? null, o.attempts, values, skippedAttrs, runId, o.seq).changes;
      if (changed === 0) continue;
      if (o.status === 'failed') {
        failed++;
        const group = byKey.get(o.failure.key);
        if (group) group.count++;
        else byKey.set(o.failure.key, { failure: o.failure, count: 1 });
        continue;
      }
      if (o.status === 'skipped') skipped++;
      else if (o.status === 'nothing_to_remove') nothing++;
      else succeeded++;
      if (o.values && Object.keys(o.values).length > 0 && o.status !== 'restored') withValues++;
      for (const attr of o.attrs ?? []) {
        const counts = byAttr.get(attr) ?? { asked: 0, withValue: 0 };
        counts.asked++;
        if (o.values?.[attr] !== undefined) counts.withValue++;
        byAttr.set(attr, counts);
      }
    }
    bump.run(succeeded, skipped, nothing, failed, withValues, requests, runId);
    for (const [key, { failure, count }] of byKey) countFailures.run(runId, key, failure.code, failure.info, count);
    for (const [attr, { asked, withValue }] of byAttr) countAttr.run(runId, attr, asked, withValue);
  })();
}

/** A removal's snapshot of a batch, written before its remove_attr goes out, so a crash after it loses nothing. */
export function keepValues(db: Db, runId: number, kept: readonly { seq: number; values: Attrs }[]): void {
  const keep = statement(db, "UPDATE run_users SET attr_values = ? WHERE run_id = ? AND seq = ? AND result = 'pending'");
  db.transaction(() => {
    for (const k of kept) keep.run(JSON.stringify(k.values), runId, k.seq);
  })();
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
       WHERE id = ? AND status = 'running'`,
    ).run(status, new Date().toISOString(), failure?.key ?? null, failure?.code ?? null, failure?.info ?? null, runId).changes;
    if (closed === 0) {
      const from = (statement(db, 'SELECT status FROM runs WHERE id = ?').pluck().get(runId) as RunStatus | undefined) ?? 'missing';
      throw new IllegalTransition('run', from, status);
    }
    assertUserMove('pending', 'not_sent');
    const notSent = statement(db, "UPDATE run_users SET result = 'not_sent' WHERE run_id = ? AND result = 'pending'").run(runId).changes;
    statement(db, 'UPDATE runs SET not_sent = not_sent + ? WHERE id = ?').run(notSent, runId);
  })();
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

/**
 * A new run of the same kind (a dry run's retry only reads) holding only the users worth sending
 * again: those failed with one of `retryKeys` and those never sent. Copied inside SQLite so a million-row retry never passes through memory.
 * While a retry of the same run is still going, asking again returns that one: a double click or
 * two operators at once make one retry.
 */
export function createRetryRun(
  db: Db,
  parentId: number,
  retryKeys: readonly string[],
  meta: { operator: string | null },
): { ok: true; runId: number; users: number; existing: boolean } | { ok: false; refusal: RetryRefusal } {
  const keys = JSON.stringify(retryKeys);
  const selection = `run_id = ? AND (result = 'not_sent' OR (result = 'failed' AND error_key IN (SELECT value FROM json_each(?))))`;
  return db.transaction(() => {
    const parent = getRun(db, parentId);
    if (!parent) return { ok: false as const, refusal: 'not-found' as const };
    // A second restore of the removal is the retry of a restore: it writes back only what is still missing.
    if (parent.kind === 'restore') return { ok: false as const, refusal: 'restore-run' as const };
    if (parent.status === 'running') return { ok: false as const, refusal: 'still-running' as const };
    const going = statement(db, "SELECT id, total FROM runs WHERE parent_run_id = ? AND source = 'retry' AND status = 'running' ORDER BY id LIMIT 1").get(
      parentId,
    ) as { id: number; total: number } | undefined;
    if (going) return { ok: true as const, runId: going.id, users: going.total, existing: true };
    const count = statement(db, `SELECT COUNT(*) FROM run_users WHERE ${selection}`).pluck().get(parentId, keys) as number;
    if (count === 0) return { ok: false as const, refusal: 'nothing-to-retry' as const };
    const runId = Number(
      db
        .prepare(
          `INSERT INTO runs (created_at, source, kind, app_id, sdkappid, region, attrs, operator, parent_run_id, status, total, picked_attrs)
           VALUES (?, 'retry', ?, ?, ?, ?, ?, ?, ?, 'running', ?, (SELECT picked_attrs FROM runs WHERE id = ?))`,
        )
        .run(new Date().toISOString(), parent.kind, parent.appId, parent.sdkAppId, parent.region, JSON.stringify(parent.attrs), meta.operator, parentId, count, parentId)
        .lastInsertRowid,
    );
    statement(db, 
      `INSERT INTO run_users (run_id, seq, user_id, attrs, with_picked)
       SELECT ?, ROW_NUMBER() OVER (ORDER BY seq), user_id, attrs, with_picked FROM run_users WHERE ${selection}`,
    ).run(runId, parentId, keys);
    return { ok: true as const, runId, users: count, existing: false };
  }).immediate();
}
