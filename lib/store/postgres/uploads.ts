import 'server-only';
import { IN_PROGRESS_COLUMNS, toInProgress, type InProgressRow } from '../in-progress-row';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import type { AttrSet, CsvIssue } from '../../csv/validate';
import { IllegalTransition, UPLOAD_START, type StoredStatus, type UploadStatus } from '../../runs/state-machine';
import { usersOf } from '../../uploads/staged-rows';
import type { BeginRefusal, CompletedUploadFacts, NewUpload, StagedRows, StartRefusal, UploadCap, UploadInProgress, UploadOwner, UploadSummary } from '../../uploads/types';
import { changed, checkOut, lock, tx, type Db } from './database';
import { mayMoveTo, pgArray, runWithKey, type Created } from './runs';

interface UploadRow {
  id: number;
  status: UploadStatus;
  app_id: string;
  sdkappid: number;
  operator: string | null;
  file_name: string;
  total: number;
  attrs: string[];
  attr_sets: { sets: AttrSet[]; otherRows: number } | null;
  rows_read: number | null;
  invalid_rows: number | null;
  duplicate_rows: number | null;
  rows_without_attrs: number | null;
  has_header: boolean | null;
  staged_ms: number | null;
}

const toUpload = (r: UploadRow): UploadSummary => ({
  id: r.id,
  status: r.status,
  appId: r.app_id,
  sdkAppId: r.sdkappid,
  operator: r.operator,
  fileName: r.file_name,
  users: r.total,
  duplicateRows: r.duplicate_rows ?? 0,
  attrs: r.attrs,
  attrSets: r.attr_sets?.sets ?? [],
  otherAttrSetRows: r.attr_sets?.otherRows ?? 0,
  rowsRead: r.rows_read ?? 0,
  invalidRows: r.invalid_rows ?? 0,
  validRows: r.total + (r.duplicate_rows ?? 0),
  rowsWithoutAttrs: r.rows_without_attrs ?? 0,
  hasHeader: r.has_header === true,
  stagedMs: r.staged_ms,
});

const UPLOAD_COLUMNS =
  'id, status, app_id, sdkappid, operator, file_name, total, attrs, attr_sets, rows_read, invalid_rows, duplicate_rows, rows_without_attrs, has_header, staged_ms';

const statusOf = async (db: Db, id: number) => (await db.query<{ status: StoredStatus }>('SELECT status FROM runs WHERE id = $1', [id])).rows[0]?.status;

/**
 * The table an upload's rows are appended to while its file arrives: its own, so that neither
 * appending nor merging reads another upload's rows, and dropping it is the whole deletion.
 * Unlogged and never vacuumed: the rows can be read again from the file, and live minutes.
 */
const rowsTable = (uploadId: number) => `upload_rows_${Math.trunc(uploadId)}`;

/**
 * An upload as a run that cannot send yet, with the table its rows arrive in. Under READ
 * COMMITTED two begins could each count the other's place as free, so begins take turns behind
 * one advisory lock: they are one per file, and the caps span operators and processes at once.
 */
export async function beginUpload(
  pool: pg.Pool,
  upload: NewUpload,
  receiver: { owner: UploadOwner; nowMs: number },
  cap: UploadCap,
): Promise<{ ok: true; uploadId: number } | { ok: false; refusal: BeginRefusal }> {
  return tx(pool, async (db) => {
    await lock(db, 'uploadBegin');
    const counts = (
      await db.query<{ process_reading: number; operator_reading: number; held: number }>(
        `SELECT count(*) FILTER (WHERE status = 'uploading' AND upload_owner = $1 AND upload_heartbeat_ms >= $2)::int AS process_reading,
                count(*) FILTER (WHERE status = 'uploading' AND operator = $3 AND upload_heartbeat_ms >= $2)::int AS operator_reading,
                count(*) FILTER (WHERE operator = $3 AND (status = 'uploading' OR staged_ms >= $4))::int AS held
         FROM runs WHERE status IN ('uploading', 'staged')`,
        [receiver.owner.id, cap.liveSinceMs, upload.operator, cap.stagedSinceMs],
      )
    ).rows[0]!;
    if (counts.process_reading >= cap.readingPerProcess) return { ok: false, refusal: 'process-busy' };
    if (counts.operator_reading >= cap.readingPerOperator) return { ok: false, refusal: 'operator-busy' };
    if (counts.held >= cap.max) return { ok: false, refusal: 'too-many-held' };
    const inserted = await db.query<{ id: number }>(
      `INSERT INTO runs (created_at, source, app_id, sdkappid, region, operator, status, total, file_name,
                         upload_owner, upload_owner_pid, upload_owner_host, upload_heartbeat_ms)
       VALUES (now(), 'csv', $1, $2, $3, $4, $5, 0, $6, $7, $8, $9, $10) RETURNING id`,
      [upload.appId, upload.sdkAppId, upload.region, upload.operator, UPLOAD_START, upload.fileName, receiver.owner.id, receiver.owner.pid, receiver.owner.host, receiver.nowMs],
    );
    const uploadId = inserted.rows[0]!.id;
    await db.query(
      `CREATE UNLOGGED TABLE ${rowsTable(uploadId)} (seq integer NOT NULL, user_id text COLLATE "C" NOT NULL, attrs text[] NOT NULL, with_picked boolean NOT NULL)
       WITH (autovacuum_enabled = false)`,
    );
    return { ok: true, uploadId };
  });
}

/** One write by primary key, every few seconds per upload: not per batch of rows. */
export async function heartbeatUpload(db: Db, uploadId: number, owner: UploadOwner, nowMs: number): Promise<boolean> {
  return changed(await db.query("UPDATE runs SET upload_heartbeat_ms = $1 WHERE id = $2 AND status = 'uploading' AND upload_owner = $3", [nowMs, uploadId, owner.id])) === 1;
}

export async function uploadsInProgress(db: Db): Promise<UploadInProgress[]> {
  return (await db.query<InProgressRow>(`SELECT ${IN_PROGRESS_COLUMNS} FROM runs WHERE status = 'uploading' ORDER BY id`)).rows.map(toInProgress);
}

/** COPY's text format: a backslash, tab, newline or carriage return in a value would end it early. */
const copyText = (s: string) => s.replace(/[\\\t\n\r]/g, (c) => ({ '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' })[c]!);

/**
 * Locks the upload's row against deletion (deleteDiscarded takes it FOR UPDATE) while this
 * transaction writes rows under it, and says whether it is still arriving. Heartbeats and
 * discards are not held up: they take weaker locks.
 */
async function stillUploading(db: pg.PoolClient, uploadId: number): Promise<boolean> {
  return (await db.query<{ status: StoredStatus }>('SELECT status FROM runs WHERE id = $1 FOR KEY SHARE', [uploadId])).rows[0]?.status === 'uploading';
}

/**
 * One batch of valid rows in file order, appended by COPY to the upload's own table, unmerged:
 * nothing is looked up per row. Rows for an upload no longer arriving (discarded meanwhile) are
 * dropped: it can never be staged.
 */
export async function addStagedRows(pool: pg.Pool, uploadId: number, firstSeq: number, rows: StagedRows): Promise<void> {
  if (rows.listOf.length === 0) return;
  await tx(pool, async (db) => {
    if (!(await stillUploading(db, uploadId))) return;
    const lists = rows.lists.map((json) => {
      const attrs = JSON.parse(json) as string[];
      return `${copyText(pgArray(attrs))}\t${attrs.length === 0 ? 't' : 'f'}`;
    });
    const users = usersOf(rows);
    let text = '';
    for (let i = 0; i < users.length; i++) text += `${firstSeq + i}\t${copyText(users[i]!)}\t${lists[rows.listOf[i]!]}\n`;
    await pipeline(Readable.from([text]), db.query(copyFrom(`COPY ${rowsTable(uploadId)} (seq, user_id, attrs, with_picked) FROM STDIN`)));
  });
}

export async function addUploadIssues(pool: pg.Pool, uploadId: number, issues: readonly CsvIssue[]): Promise<void> {
  if (issues.length === 0) return;
  await tx(pool, async (db) => {
    if (!(await stillUploading(db, uploadId))) return;
    await db.query(
      `INSERT INTO upload_issues (run_id, line, code, params)
       SELECT $1, l, c, p::jsonb FROM unnest($2::int[], $3::text[], $4::text[]) AS i(l, c, p)
       ON CONFLICT DO NOTHING`,
      [uploadId, issues.map((i) => i.line), issues.map((i) => i.code), issues.map((i) => (i.params ? JSON.stringify(i.params) : null))],
    );
  });
}

const UNDEFINED_TABLE = '42P01';

/** Users stored per transaction: each holds the upload's row for a moment, and records how far it has come. */
const STORE_SLICE = 50_000;

/**
 * The whole file has been read: its rows become one run_users row per user, numbered in the
 * byte order of their IDs (as the SQLite store numbers them), then the upload becomes staged by
 * one compare-and-set. Set-based, on one connection: one sort groups the rows by user into a
 * temporary table, a second pass merges the lists only of users whose rows name different ones
 * (the first row's attributes, then each later row's new ones, in file order), and the users are
 * stored a slice per transaction, each recording its progress, so every process can show it and
 * run_users grows at its end. The merge is one statement over the whole file, so it runs without
 * the pool's statement_timeout. An upload discarded meanwhile throws IllegalTransition and leaves
 * what was stored of it to deleteDiscarded.
 */
export async function completeUpload(pool: pg.Pool, uploadId: number, facts: CompletedUploadFacts, slice = STORE_SLICE): Promise<UploadSummary> {
  const refused = async (db: Db) => new IllegalTransition('run', (await statusOf(db, uploadId)) ?? 'missing', 'staged');
  const table = rowsTable(uploadId);
  const { client, release } = await checkOut(pool);
  let broken: Error | undefined;
  // Each step is its own transaction on this connection, where the temporary table lives.
  const inTx = async <T>(fn: () => Promise<T>): Promise<T> => {
    await client.query('BEGIN ISOLATION LEVEL READ COMMITTED');
    try {
      const result = await fn();
      await client.query('COMMIT');
      return result;
    } catch (err) {
      await client.query('ROLLBACK');
      throw err;
    }
  };
  try {
    await client.query('DROP TABLE IF EXISTS pg_temp.staged_users');
    await client.query("SET statement_timeout = 0; SET work_mem = '64MB'");
    const begun = await inTx(async () => {
      if (!(await stillUploading(client, uploadId))) return false;
      await client.query(`UPDATE runs SET finish_done = 0, finish_total = (SELECT count(*) FROM ${table}) WHERE id = $1`, [uploadId]);
      return true;
    });
    if (!begun) throw await refused(client);
    await client.query(
      `CREATE TEMP TABLE staged_users AS
       SELECT row_number() OVER (ORDER BY user_id)::int AS seq, user_id, attrs, with_picked, row_count
       FROM (SELECT user_id, CASE WHEN min(attrs) = max(attrs) THEN min(attrs) END AS attrs, bool_or(with_picked) AS with_picked, count(*)::int AS row_count
             FROM ${table} GROUP BY user_id) AS grouped`,
    );
    await client.query(
      `UPDATE staged_users s SET attrs = merged.attrs
       FROM (SELECT user_id, array_agg(attr ORDER BY first) AS attrs
             FROM (SELECT r.user_id, a.attr, min(ARRAY[r.seq::bigint, a.ord]) AS first
                   FROM ${table} r JOIN staged_users apart ON apart.user_id = r.user_id AND apart.attrs IS NULL
                   CROSS JOIN LATERAL unnest(r.attrs) WITH ORDINALITY AS a(attr, ord)
                   GROUP BY r.user_id, a.attr) AS firsts
             GROUP BY user_id) AS merged
       WHERE s.user_id = merged.user_id`,
    );
    await client.query('CREATE INDEX ON staged_users (seq)');
    const users = (await client.query<{ n: number }>('SELECT count(*)::int AS n FROM staged_users')).rows[0]!.n;
    for (let from = 1; from <= users; from += slice) {
      const stored = await inTx(async () => {
        if (!(await stillUploading(client, uploadId))) return false;
        await client.query(
          `WITH slice AS (
             INSERT INTO run_users (run_id, seq, user_id, attrs, with_picked)
             SELECT $1, seq, user_id, attrs, with_picked FROM staged_users WHERE seq >= $2 AND seq < $3 ORDER BY seq
           )
           UPDATE runs SET finish_done = finish_done + (SELECT coalesce(sum(row_count), 0) FROM staged_users WHERE seq >= $2 AND seq < $3) WHERE id = $1`,
          [uploadId, from, from + slice],
        );
        return true;
      });
      if (!stored) throw await refused(client);
    }
    return await inTx(async () => {
      const moved = await client.query<UploadRow>(
        `UPDATE runs SET status = 'staged', total = $2, rows_read = $3, invalid_rows = $4, duplicate_rows = $5::int - $2::int, rows_without_attrs = $6,
                         has_header = $7, attrs = $8, attr_sets = $9, staged_ms = $10, finish_done = NULL, finish_total = NULL
         WHERE id = $1 AND ${mayMoveTo('staged')}
         RETURNING ${UPLOAD_COLUMNS}`,
        [
          uploadId,
          users,
          facts.rowsRead,
          facts.invalidRows,
          facts.validRows,
          facts.rowsWithoutAttrs,
          facts.hasHeader,
          [...facts.attrs],
          JSON.stringify({ sets: facts.attrSets, otherRows: facts.otherAttrSetRows }),
          facts.nowMs,
        ],
      );
      const row = moved.rows[0];
      if (!row) throw await refused(client);
      await client.query(`DROP TABLE ${table}`);
      return toUpload(row);
    });
  } catch (err) {
    // A discard deletes the upload by dropping its table: a statement reading it after that finds no table.
    if ((err as { code?: string }).code === UNDEFINED_TABLE) throw await refused(client);
    if (!(err instanceof IllegalTransition)) broken = err as Error;
    throw err;
  } finally {
    await client.query('DROP TABLE IF EXISTS pg_temp.staged_users; RESET statement_timeout; RESET work_mem').catch((err: Error) => (broken = err));
    release(broken);
  }
}

/**
 * Takes an upload out of `uploading` or `staged` by one compare-and-set, so that from here on it
 * can never start; its rows are deleted afterwards (deleteDiscardedSlice). True when it is being
 * discarded now, by this call or an earlier one; false when it is no upload any more, or (with
 * `ifStill`) no longer uploading with that heartbeat.
 */
export async function discardUpload(db: Db, uploadId: number, ifStill?: { heartbeatMs: number | null }): Promise<boolean> {
  const taken = ifStill
    ? await db.query("UPDATE runs SET status = 'discarding' WHERE id = $1 AND status = 'uploading' AND upload_heartbeat_ms IS NOT DISTINCT FROM $2::bigint", [
        uploadId,
        ifStill.heartbeatMs,
      ])
    : await db.query(`UPDATE runs SET status = 'discarding' WHERE id = $1 AND ${mayMoveTo('discarding')}`, [uploadId]);
  return changed(taken) === 1 || (await statusOf(db, uploadId)) === 'discarding';
}

const DELETE_SLICE = 20_000;

/**
 * Deletes a discarded upload a slice per transaction: its staging rows, users and invalid rows,
 * then its row. The row is locked FOR UPDATE first, so a write still adding rows under it (which
 * holds it FOR KEY SHARE) finishes before the slice looks, and none is left behind the row's
 * deletion. Only an upload in `discarding` loses rows: a staged one, or a run, is never touched.
 */
export async function deleteDiscardedSlice(pool: pg.Pool, uploadId: number): Promise<'more' | 'done'> {
  return tx(pool, async (db) => {
    const status = (await db.query<{ status: StoredStatus }>('SELECT status FROM runs WHERE id = $1 FOR UPDATE', [uploadId])).rows[0]?.status;
    if (status !== 'discarding') return 'done';
    await db.query(`DROP TABLE IF EXISTS ${rowsTable(uploadId)}`);
    let deleted = 0;
    for (const [table, column] of [
      ['run_users', 'run_id'],
      ['upload_issues', 'run_id'],
    ] as const) {
      deleted += changed(await db.query(`DELETE FROM ${table} WHERE ctid = ANY (ARRAY(SELECT ctid FROM ${table} WHERE ${column} = $1 LIMIT $2))`, [uploadId, DELETE_SLICE]));
    }
    if (deleted > 0) return 'more';
    await db.query('DELETE FROM runs WHERE id = $1', [uploadId]);
    return 'done';
  });
}

/** Users stored under an upload or the run it became: none before it is complete. */
export async function countUploadRows(db: Db, uploadId: number): Promise<number> {
  return (await db.query<{ n: number }>('SELECT count(*)::int AS n FROM run_users WHERE run_id = $1', [uploadId])).rows[0]!.n;
}

export async function getUpload(db: Db, uploadId: number): Promise<UploadSummary | null> {
  const row = (await db.query<UploadRow>(`SELECT ${UPLOAD_COLUMNS} FROM runs WHERE id = $1 AND status IN ('uploading', 'staged')`, [uploadId])).rows[0];
  return row ? toUpload(row) : null;
}

/** The newest staged upload of this operator for this app that has not expired. */
export async function latestStagedUpload(db: Db, operator: string, appId: string, sinceMs: number): Promise<UploadSummary | null> {
  const row = (
    await db.query<UploadRow>(
      `SELECT ${UPLOAD_COLUMNS} FROM runs WHERE status = 'staged' AND operator = $1 AND app_id = $2 AND staged_ms >= $3 ORDER BY id DESC LIMIT 1`,
      [operator, appId, sinceMs],
    )
  ).rows[0];
  return row ? toUpload(row) : null;
}

/** Staged ones older than `stagedBeforeMs`, and those whose deletion was cut off. */
export async function expiredUploads(db: Db, stagedBeforeMs: number): Promise<number[]> {
  return (await db.query<{ id: number }>("SELECT id FROM runs WHERE (status = 'staged' AND staged_ms < $1) OR status = 'discarding' ORDER BY id", [stagedBeforeMs])).rows.map(
    (r) => r.id,
  );
}

export async function uploadIssues(db: Db, uploadId: number, opts: { afterLine?: number; limit: number }): Promise<CsvIssue[]> {
  const rows = (
    await db.query<{ line: number; code: CsvIssue['code']; params: CsvIssue['params'] | null }>(
      'SELECT line, code, params FROM upload_issues WHERE run_id = $1 AND line > $2 ORDER BY line LIMIT $3',
      [uploadId, opts.afterLine ?? 0, opts.limit],
    )
  ).rows;
  return rows.map((r) => (r.params === null ? { line: r.line, code: r.code } : { line: r.line, code: r.code, params: r.params }));
}

/**
 * Staged → running with the picked attributes, by compare-and-set in the caller's transaction,
 * so two clicks (or two operators, in any processes) start it once, and an upload being discarded
 * never starts; the same request key gets the same answer. Only the run row changes.
 */
export async function startUpload(
  db: pg.PoolClient,
  uploadId: number,
  start: { picked: readonly string[]; requestKey: string; operator: string; kind: 'remove' | 'check' },
): Promise<Created | { ok: false; refusal: StartRefusal }> {
  const refusal = (status: StoredStatus | undefined): StartRefusal =>
    status === undefined || status === 'uploading' || status === 'discarding' ? 'not-found' : 'not-staged';
  const earlier = await runWithKey(db, start.requestKey);
  if (earlier) return { ok: true, runId: earlier.id, users: earlier.total, existing: true };
  const row = (await db.query<{ status: StoredStatus; total: number; attrs: string[]; rows_without_attrs: number | null }>('SELECT status, total, attrs, rows_without_attrs FROM runs WHERE id = $1', [uploadId]))
    .rows[0];
  if (!row || row.status !== 'staged') return { ok: false, refusal: refusal(row?.status) };
  const needsPicks = (row.rows_without_attrs ?? 0) > 0;
  if (needsPicks && start.picked.length === 0) return { ok: false, refusal: 'picks-needed' };
  const attrs = needsPicks ? [...new Set([...row.attrs, ...start.picked])] : row.attrs;
  const moved = await db.query(
    `UPDATE runs SET status = 'running', kind = $2, picked_attrs = $3, attrs = $4, request_key = $5, operator = $6, created_at = now()
     WHERE id = $1 AND ${mayMoveTo('running')}`,
    [uploadId, start.kind, [...start.picked], attrs, start.requestKey, start.operator],
  );
  if (changed(moved) === 1) return { ok: true, runId: uploadId, users: row.total, existing: false };
  // A start or a discard in another transaction moved it after the read: answer as it is now.
  const winner = await runWithKey(db, start.requestKey);
  if (winner) return { ok: true, runId: winner.id, users: winner.total, existing: true };
  return { ok: false, refusal: refusal(await statusOf(db, uploadId)) };
}
