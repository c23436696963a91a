import 'server-only';
import { ISSUES_SHOWN, MAX_ISSUES_KEPT } from '../csv/limits';
import { tooLarge } from '../csv/parse';
import { startParseThread } from '../csv/parse-thread';
import type { BeginRefusal, UploadSummary } from '../uploads/types';
import { rowCount } from '../uploads/staged-rows';
import {
  MAX_CONCURRENT_UPLOADS,
  MAX_STAGED_UPLOADS_PER_OPERATOR,
  MAX_UPLOADS_READ_PER_OPERATOR,
  STAGED_UPLOAD_TTL_MS,
  UPLOAD_ABANDONED_MS,
  UPLOAD_HEARTBEAT_MS,
  UPLOAD_STALL_MS,
} from '../uploads/in-progress';
import { StalledError, withIdleTimeout } from '../streams/idle-timeout';
import { log } from '../log';
import { describeFailure } from '../results/present';
import type { StagedUpload, UploadTarget } from '../schemas/upload';
import type { UseCaseContext } from './context';
import { fail, ok, type ErrorCode, type Result } from '../errors';

const REFUSED = {
  'process-busy': ['upload.busy', MAX_CONCURRENT_UPLOADS],
  'operator-busy': ['upload.operatorBusy', MAX_UPLOADS_READ_PER_OPERATOR],
  'too-many-held': ['upload.tooManyStaged', MAX_STAGED_UPLOADS_PER_OPERATOR],
} as const satisfies Record<BeginRefusal, readonly [ErrorCode, number]>;

/** The upload stopped being this process's while it read it: another process judged it abandoned and discarded it. */
class UploadLost extends Error {}

export function stagedView(upload: UploadSummary, issues: StagedUpload['issues']): StagedUpload {
  const stagedMs = upload.stagedMs ?? 0;
  return {
    id: upload.id,
    appId: upload.appId,
    fileName: upload.fileName,
    rowsRead: upload.rowsRead,
    users: upload.users,
    duplicateRows: upload.duplicateRows,
    invalidRows: upload.invalidRows,
    rowsWithoutAttrs: upload.rowsWithoutAttrs,
    attrs: upload.attrs,
    attrSets: upload.attrSets,
    otherAttrSetRows: upload.otherAttrSetRows,
    issues,
    stagedMs,
    expiresMs: stagedMs + STAGED_UPLOAD_TTL_MS,
  };
}

/**
 * Reads an uploaded file as it arrives and stages it: parsed and validated in a worker thread
 * against the app's attribute names, its valid rows appended as they come and, once the file has
 * ended, merged by user and stored (the preview answers after that, so a start has nothing left to
 * build), its invalid rows kept by line. Nothing is sent. Over a limit, empty, with no valid row, or cut off,
 * it keeps nothing. Refused before a byte is read when this process already reads
 * MAX_CONCURRENT_UPLOADS files, the operator has MAX_UPLOADS_READ_PER_OPERATOR arriving in any
 * process, or holds MAX_STAGED_UPLOADS_PER_OPERATOR. While it arrives, the upload names this
 * process as its owner and beats every UPLOAD_HEARTBEAT_MS, so no process's sweep takes it.
 * The caller has already checked who is calling, and has not read a byte of the body.
 */
export async function stageUpload(
  ctx: UseCaseContext,
  target: UploadTarget,
  body: {
    declaredBytes: number | null;
    chunks: AsyncIterable<Uint8Array>;
    /** Tests wait less than UPLOAD_STALL_MS. */
    stallMs?: number;
    /** Tests beat more often than UPLOAD_HEARTBEAT_MS. */
    heartbeatMs?: number;
  },
): Promise<Result<StagedUpload>> {
  if (!ctx.worker.canSend()) return fail('worker.standby');
  const app = ctx.apps.get(target.appId);
  if (!app) return fail('app.unknown');
  const { maxBytes, maxRows } = ctx.csvLimits;
  if (body.declaredBytes !== null && body.declaredBytes > maxBytes) {
    const refusal = tooLarge(body.declaredBytes, maxBytes);
    return fail(refusal.code, refusal.params);
  }
  const names = await app.attrNames.load();
  if (!names.ok) {
    const entry = describeFailure(names.failure, ctx.messages);
    return fail('app.attrsUnavailable', { app: app.summary.label, title: entry.title, action: entry.action });
  }

  const owner = ctx.worker.identity();
  const nowMs = ctx.clock.nowMs();
  const begun = await ctx.store.uploads.begin(
    { appId: app.summary.id, sdkAppId: app.summary.sdkAppId, region: app.summary.region, operator: ctx.actor.username, fileName: target.name },
    { owner, nowMs },
    {
      max: MAX_STAGED_UPLOADS_PER_OPERATOR,
      stagedSinceMs: nowMs - STAGED_UPLOAD_TTL_MS,
      readingPerOperator: MAX_UPLOADS_READ_PER_OPERATOR,
      readingPerProcess: MAX_CONCURRENT_UPLOADS,
      liveSinceMs: nowMs - UPLOAD_ABANDONED_MS,
    },
  );
  if (!begun.ok) {
    const [code, max] = REFUSED[begun.refusal];
    return fail(code, { max });
  }
  const { uploadId } = begun;
  // Every process's sweep leaves alone an upload whose owner keeps saying it still receives it.
  let lost = false;
  const heartbeat = setInterval(() => {
    ctx.store.uploads.heartbeat(uploadId, owner, ctx.clock.nowMs()).then(
      (still) => (lost ||= !still),
      (err: unknown) => log.warn('upload.heartbeat-failed', { uploadId, error: err instanceof Error ? err.message : String(err) }),
    );
  }, body.heartbeatMs ?? UPLOAD_HEARTBEAT_MS);
  heartbeat.unref();
  // Still uploading, so nobody can have started it: the discard always takes it.
  const drop = async () => {
    await ctx.store.uploads.discard(uploadId);
    await ctx.store.uploads.deleteDiscarded(uploadId);
  };
  let seq = 1;
  const thread = startParseThread(
    { knownAttrs: names.names, maxRows, maxBytes, issuesShown: ISSUES_SHOWN, issuesKept: MAX_ISSUES_KEPT },
    async (rows, issues) => {
      if (lost) throw new UploadLost();
      const count = rowCount(rows);
      if (count > 0) await ctx.store.uploads.addRows(uploadId, seq, rows);
      seq += count;
      if (issues.length > 0) await ctx.store.uploads.addIssues(uploadId, issues);
    },
  );

  let received = 0;
  try {
    try {
      const stallMs = body.stallMs ?? UPLOAD_STALL_MS;
      for await (const chunk of withIdleTimeout(body.chunks, stallMs)) {
        if (lost) throw new UploadLost();
        received += chunk.byteLength;
        if (!(await thread.push(chunk))) break;
      }
    } catch (err) {
      // Answered below, like a loss noticed as the last rows are stored.
      if (err instanceof UploadLost) throw err;
      await thread.abort();
      await drop();
      if (err instanceof StalledError) {
        log.warn('upload.stalled', { uploadId, bytes: received, idleMs: err.idleMs });
        return fail('upload.stalled', { seconds: Math.round(err.idleMs / 1000) });
      }
      log.warn('upload.aborted', { uploadId, bytes: received, error: err instanceof Error ? err.message : String(err) });
      return fail('upload.aborted');
    }
    const tally = await thread.end();
    if (tally.fatal) {
      await drop();
      return fail(tally.fatal.code, tally.fatal.params);
    }
    // Nothing in it could ever be sent, so nothing is kept; the answer still names its invalid rows by line.
    if (tally.validRows === 0) {
      await drop();
      log.info('upload.not-kept', { uploadId, appId: app.summary.id, bytes: received, rows: tally.rowsRead, invalidRows: tally.invalidRows });
      const notKeptMs = ctx.clock.nowMs();
      return ok({
        id: null,
        appId: app.summary.id,
        fileName: target.name,
        rowsRead: tally.rowsRead,
        users: 0,
        duplicateRows: 0,
        invalidRows: tally.invalidRows,
        rowsWithoutAttrs: 0,
        attrs: tally.attrs,
        attrSets: tally.attrSets,
        otherAttrSetRows: tally.otherAttrSetRows,
        issues: tally.issues,
        stagedMs: notKeptMs,
        expiresMs: notKeptMs,
      });
    }
    if (lost) throw new UploadLost();
    const upload = await ctx.store.uploads.complete(uploadId, { ...tally, nowMs: ctx.clock.nowMs() });
    log.info('upload.staged', { uploadId, appId: app.summary.id, bytes: received, rows: tally.rowsRead, users: upload.users, invalidRows: tally.invalidRows });
    return ok(stagedView(upload, tally.issues));
  } catch (err) {
    await thread.abort();
    await drop();
    if (!(err instanceof UploadLost)) throw err;
    log.warn('upload.lost', { uploadId, bytes: received, hint: 'Another console process judged this upload abandoned and discarded it.' });
    return fail('upload.aborted');
  } finally {
    clearInterval(heartbeat);
  }
}
