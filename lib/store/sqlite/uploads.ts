import 'server-only';
import { IN_PROGRESS_COLUMNS, toInProgress, type InProgressRow } from '../in-progress-row';
import type { AttrSet, CsvIssue } from '../../csv/validate';
import { canMoveRun, IllegalTransition, UPLOAD_START, type StoredStatus, type UploadStatus } from '../../runs/state-machine';
import type { BeginRefusal, CompletedUploadFacts, NewUpload, StartRefusal, UploadCap, UploadInProgress, UploadOwner, UploadSummary } from '../../uploads/types';
import { statement, type Db } from './database';
import { mayMoveTo, runWithKey } from './runs';

interface UploadRow {
  id: number;
  status: UploadStatus;
  app_id: string;
  sdkappid: number;
  operator: string | null;
  file_name: string;
  total: number;
  attrs: string;
  attr_sets: string | null;
  rows_read: number | null;
  invalid_rows: number | null;
  duplicate_rows: number | null;
  rows_without_attrs: number | null;
  has_header: number | null;
  staged_ms: number | null;
}

function toUpload(r: UploadRow): UploadSummary {
  return {
    id: r.id,
    status: r.status,
    appId: r.app_id,
    sdkAppId: r.sdkappid,
    operator: r.operator,
    fileName: r.file_name,
    users: r.total,
    duplicateRows: r.duplicate_rows ?? 0,
    attrs: JSON.parse(r.attrs) as string[],
    ...attrSetsOf(r.attr_sets),
    rowsRead: r.rows_read ?? 0,
    invalidRows: r.invalid_rows ?? 0,
    validRows: r.total + (r.duplicate_rows ?? 0),
    rowsWithoutAttrs: r.rows_without_attrs ?? 0,
    hasHeader: r.has_header === 1,
    stagedMs: r.staged_ms,
  };
}

function attrSetsOf(json: string | null): { attrSets: AttrSet[]; otherAttrSetRows: number } {
  if (json === null) return { attrSets: [], otherAttrSetRows: 0 };
  const { sets, otherRows } = JSON.parse(json) as { sets: AttrSet[]; otherRows: number };
  return { attrSets: sets, otherAttrSetRows: otherRows };
}

const UPLOAD_COLUMNS =
  'id, status, app_id, sdkappid, operator, file_name, total, attrs, attr_sets, rows_read, invalid_rows, duplicate_rows, rows_without_attrs, has_header, staged_ms';

/**
 * An upload as a run that cannot send yet; its rows arrive in a staging thread (staging.ts). It names the
 * process receiving it, whose first heartbeat is `receiver.nowMs`. The caps are counted and the
 * row inserted in one IMMEDIATE transaction, so uploads begun side by side, by any process on
 * this file, cannot pass a cap together. Arriving uploads count only while their owner beats; one
 * being discarded no longer counts.
 */
export function beginUpload(
  db: Db,
  upload: NewUpload,
  receiver: { owner: UploadOwner; nowMs: number },
  cap: UploadCap,
): { ok: true; uploadId: number } | { ok: false; refusal: BeginRefusal } {
  return db.transaction(() => {
    const counts = statement(
      db,
      `SELECT COALESCE(SUM(CASE WHEN status = 'uploading' AND upload_owner = ? AND upload_heartbeat_ms >= ? THEN 1 ELSE 0 END), 0) AS process_reading,
              COALESCE(SUM(CASE WHEN status = 'uploading' AND operator = ? AND upload_heartbeat_ms >= ? THEN 1 ELSE 0 END), 0) AS operator_reading,
              COALESCE(SUM(CASE WHEN operator = ? AND (status = 'uploading' OR staged_ms >= ?) THEN 1 ELSE 0 END), 0) AS held
       FROM runs WHERE status IN ('uploading', 'staged')`,
    ).get(receiver.owner.id, cap.liveSinceMs, upload.operator, cap.liveSinceMs, upload.operator, cap.stagedSinceMs) as {
      process_reading: number;
      operator_reading: number;
      held: number;
    };
    if (counts.process_reading >= cap.readingPerProcess) return { ok: false as const, refusal: 'process-busy' as const };
    if (counts.operator_reading >= cap.readingPerOperator) return { ok: false as const, refusal: 'operator-busy' as const };
    if (counts.held >= cap.max) return { ok: false as const, refusal: 'too-many-held' as const };
    const uploadId = Number(
      statement(
        db,
        `INSERT INTO runs (created_at, source, app_id, sdkappid, region, attrs, operator, status, total, file_name,
                           upload_owner, upload_owner_pid, upload_owner_host, upload_heartbeat_ms)
         VALUES (?, 'csv', ?, ?, ?, '[]', ?, ?, 0, ?, ?, ?, ?, ?)`,
      ).run(
        new Date().toISOString(),
        upload.appId,
        upload.sdkAppId,
        upload.region,
        upload.operator,
        UPLOAD_START,
        upload.fileName,
        receiver.owner.id,
        receiver.owner.pid,
        receiver.owner.host,
        receiver.nowMs,
      ).lastInsertRowid,
    );
    return { ok: true as const, uploadId };
  }).immediate();
}

/** One write by primary key, every few seconds per upload: not per batch of rows. */
export function heartbeatUpload(db: Db, uploadId: number, owner: UploadOwner, nowMs: number): boolean {
  return (
    statement(db, "UPDATE runs SET upload_heartbeat_ms = ? WHERE id = ? AND status = 'uploading' AND upload_owner = ?").run(nowMs, uploadId, owner.id)
      .changes === 1
  );
}

export function uploadsInProgress(db: Db): UploadInProgress[] {
  return (statement(db, `SELECT ${IN_PROGRESS_COLUMNS} FROM runs WHERE status = 'uploading' ORDER BY id`).all() as InProgressRow[]).map(toInProgress);
}

const unionJson = (a: string, b: readonly string[]): string => JSON.stringify([...new Set([...(JSON.parse(a) as string[]), ...b])]);

export function addUploadIssues(db: Db, uploadId: number, issues: readonly CsvIssue[]): void {
  const insert = statement(db, 'INSERT OR IGNORE INTO upload_issues (run_id, line, code, params) VALUES (?, ?, ?, ?)');
  db.transaction(() => {
    for (const i of issues) insert.run(uploadId, i.line, i.code, i.params ? JSON.stringify(i.params) : null);
  }).immediate();
}

/**
 * The whole file has been read and its `users` stored: the upload becomes staged and can be
 * started. One compare-and-set on the statuses that may move to staged; an upload discarded
 * meanwhile throws IllegalTransition.
 */
export function completeUpload(db: Db, uploadId: number, facts: CompletedUploadFacts, users: number): UploadSummary {
  return db.transaction(() => {
    const moved = statement(
      db,
      `UPDATE runs SET status = ?, total = ?, rows_read = ?, invalid_rows = ?, duplicate_rows = ?, rows_without_attrs = ?,
                       has_header = ?, attrs = ?, attr_sets = ?, staged_ms = ?
       WHERE id = ? AND ${mayMoveTo('staged')}`,
    ).run(
      'staged',
      users,
      facts.rowsRead,
      facts.invalidRows,
      facts.validRows - users,
      facts.rowsWithoutAttrs,
      facts.hasHeader ? 1 : 0,
      JSON.stringify(facts.attrs),
      JSON.stringify({ sets: facts.attrSets, otherRows: facts.otherAttrSetRows }),
      facts.nowMs,
      uploadId,
    ).changes;
    if (moved === 0) throw new IllegalTransition('run', statusOf(db, uploadId) ?? 'missing', 'staged');
    return getUpload(db, uploadId)!;
  }).immediate();
}

const statusOf = (db: Db, id: number) => statement(db, 'SELECT status FROM runs WHERE id = ?').pluck().get(id) as StoredStatus | undefined;

/**
 * Takes an upload out of `uploading` or `staged` by one compare-and-set, so that from here on it
 * can never start; its rows are deleted afterwards (deleteDiscardedSlice). True when the upload
 * is being discarded now, by this call or an earlier one; false when it is no upload any more
 * (started, or gone).
 */
export function discardUpload(db: Db, uploadId: number, ifStill?: { heartbeatMs: number | null }): boolean {
  return db.transaction(() => {
    const row = statement(db, 'SELECT status, upload_heartbeat_ms FROM runs WHERE id = ?').get(uploadId) as
      | { status: StoredStatus; upload_heartbeat_ms: number | null }
      | undefined;
    if (row?.status === 'discarding') return true;
    if (!row || !canMoveRun(row.status, 'discarding')) return false;
    if (ifStill && (row.status !== 'uploading' || row.upload_heartbeat_ms !== ifStill.heartbeatMs)) return false;
    return (
      statement(db, "UPDATE runs SET status = 'discarding' WHERE id = ? AND status = ? AND upload_heartbeat_ms IS ?").run(
        uploadId,
        row.status,
        row.upload_heartbeat_ms,
      ).changes === 1
    );
  }).immediate();
}

/**
 * Deletes a discarded upload: its users and invalid rows, then its row. Removing ten million rows
 * at once would hold the write lock for seconds, so it goes a slice at a time. Only an upload in
 * `discarding` loses rows: a staged one, or a run, is never touched.
 */
export function deleteDiscardedSlice(db: Db, uploadId: number, slice = 20_000): 'more' | 'done' {
  return db.transaction(() => {
    if (statusOf(db, uploadId) !== 'discarding') return 'done' as const;
    const users = statement(db, 'DELETE FROM run_users WHERE run_id = ? AND seq IN (SELECT seq FROM run_users WHERE run_id = ? LIMIT ?)').run(
      uploadId,
      uploadId,
      slice,
    ).changes;
    const issues = statement(db, 'DELETE FROM upload_issues WHERE run_id = ? AND line IN (SELECT line FROM upload_issues WHERE run_id = ? LIMIT ?)').run(
      uploadId,
      uploadId,
      slice,
    ).changes;
    if (users > 0 || issues > 0) return 'more' as const;
    statement(db, 'DELETE FROM runs WHERE id = ?').run(uploadId);
    return 'done' as const;
  }).immediate();
}

export function countUploadRows(db: Db, uploadId: number): number {
  return statement(db, 'SELECT COUNT(*) FROM run_users WHERE run_id = ?').pluck().get(uploadId) as number;
}

export function getUpload(db: Db, uploadId: number): UploadSummary | null {
  const row = statement(db, `SELECT ${UPLOAD_COLUMNS} FROM runs WHERE id = ? AND status IN ('uploading', 'staged')`).get(uploadId) as UploadRow | undefined;
  return row ? toUpload(row) : null;
}

/** The newest staged upload of this operator for this app that has not expired. */
export function latestStagedUpload(db: Db, operator: string, appId: string, sinceMs: number): UploadSummary | null {
  const row = statement(
    db,
    `SELECT ${UPLOAD_COLUMNS} FROM runs WHERE status = 'staged' AND operator = ? AND app_id = ? AND staged_ms >= ? ORDER BY id DESC LIMIT 1`,
  ).get(operator, appId, sinceMs) as UploadRow | undefined;
  return row ? toUpload(row) : null;
}

/**
 * Uploads to delete: staged ones older than `stagedBeforeMs`, and those whose deletion was cut
 * off (a restart mid-way).
 */
export function expiredUploads(db: Db, stagedBeforeMs: number): number[] {
  return statement(db, "SELECT id FROM runs WHERE (status = 'staged' AND staged_ms < ?) OR status = 'discarding' ORDER BY id")
    .pluck()
    .all(stagedBeforeMs) as number[];
}

export function uploadIssues(db: Db, uploadId: number, opts: { afterLine?: number; limit: number }): CsvIssue[] {
  const rows = statement(db, 'SELECT line, code, params FROM upload_issues WHERE run_id = ? AND line > ? ORDER BY line LIMIT ?').all(
    uploadId,
    opts.afterLine ?? 0,
    opts.limit,
  ) as { line: number; code: CsvIssue['code']; params: string | null }[];
  return rows.map((r) => (r.params === null ? { line: r.line, code: r.code } : { line: r.line, code: r.code, params: JSON.parse(r.params) as CsvIssue['params'] }));
}

/**
 * Staged → running with the picked attributes, by compare-and-set, so two clicks (or two
 * operators) start it once, and an upload being discarded never starts with part of its users;
 * the same request key gets the same answer. Only the run row changes:
 * the click costs the same for ten users as for ten million.
 */
export function startUpload(
  db: Db,
  uploadId: number,
  start: { picked: readonly string[]; requestKey: string; operator: string; kind: 'remove' | 'check' },
): { ok: true; runId: number; users: number; existing: boolean } | { ok: false; refusal: StartRefusal } {
  const refusal = (status: StoredStatus | undefined): StartRefusal =>
    status === undefined || status === 'uploading' || status === 'discarding' ? 'not-found' : 'not-staged';
  return db.transaction(() => {
    const earlier = runWithKey(db, start.requestKey);
    if (earlier) return { ok: true as const, runId: earlier.id, users: earlier.total, existing: true };
    const row = statement(db, 'SELECT status, total, attrs, rows_without_attrs FROM runs WHERE id = ?').get(uploadId) as
      | { status: StoredStatus; total: number; attrs: string; rows_without_attrs: number | null }
      | undefined;
    if (!row || !canMoveRun(row.status, 'running')) return { ok: false as const, refusal: refusal(row?.status) };
    if ((row.rows_without_attrs ?? 0) > 0 && start.picked.length === 0) return { ok: false as const, refusal: 'picks-needed' as const };
    const attrs = (row.rows_without_attrs ?? 0) > 0 ? unionJson(row.attrs, start.picked) : row.attrs;
    const moved = statement(
      db,
      `UPDATE runs SET status = ?, kind = ?, picked_attrs = ?, attrs = ?, request_key = ?, operator = ?, created_at = ?
       WHERE id = ? AND ${mayMoveTo('running')}`,
    ).run('running', start.kind, JSON.stringify(start.picked), attrs, start.requestKey, start.operator, new Date().toISOString(), uploadId).changes;
    if (moved === 1) return { ok: true as const, runId: uploadId, users: row.total, existing: false };
    // A start or a discard moved it after the read (a database with several writers): answer as it is now.
    const winner = runWithKey(db, start.requestKey);
    if (winner) return { ok: true as const, runId: winner.id, users: winner.total, existing: true };
    return { ok: false as const, refusal: refusal(statusOf(db, uploadId)) };
  }).immediate();
}
