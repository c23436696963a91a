import 'server-only';
import type { OperatorChange } from '../../auth/types';
import { audit, listAudit } from './audit';
import { addWebhook, claimDueDeliveries, listWebhooks, recordDelivery, removeWebhook } from './webhooks';
import { claimKey, completeKey, releaseKey } from './idempotency';
import { insertToken, listTokens, revokeToken, tokenByHash } from './tokens';
import { openDatabase, type Db } from './database';
import { acquireLease, checkFence } from './lease';
import { countOperators, findOperator, insertOperator, listOperators, setDisabled, setOperatorApp, setOperatorLocale, setPasswordHash, setRole } from './operators';
import { purgeExpired } from './retention';
import { createSession, endSession, resolveSession } from './sessions';
import { beginAttempt, finishAttempt, lockedOutOperators, unlockOperator } from './sign-ins';
import { createRetryRun, createRun, finishRun, getRun, isCancelRequested, listRunningRuns, listRuns, requestCancel } from './runs';
import { IllegalTransition } from '../../runs/state-machine';
import { Staging } from './staging';
import { WriterThread } from './writer-thread';
import {
  addUploadIssues,
  beginUpload,
  completeUpload,
  countUploadRows,
  deleteDiscardedSlice,
  discardUpload,
  expiredUploads,
  getUpload,
  heartbeatUpload,
  latestStagedUpload,
  startUpload,
  uploadIssues,
  uploadsInProgress,
} from './uploads';
import { failureGroups, findUserAcrossRuns, listRunUsers, pendingTargets, recentProgress } from './users-results';
import { keepValues, recordOutcomes } from './batch-writes';
import { attrCounts, copyUsersSlice, createRemovalFromCheck, createRestoreRun, markValuesPurged, purgeValuesSlice, restoreState, runsToPurgeBefore } from './values';
import type { FencedRunWrites, Store } from '../store';
import type { Fence } from '../../lease/fence';

/** Users per copy slice: the writer thread holds the file's write lock for a slice, and the main thread's writes wait that long. */
const COPY_SLICE = 500;

/**
 * The default store: one SQLite file through better-sqlite3. Its calls are synchronous, so each
 * method runs whole before anything else does, and the ones that write twice (a change and its
 * audit row) do it in one transaction. A pass's writes (its copy, its batches' outcomes, a
 * removal's snapshot) are the exception: the writer thread makes them, in the order asked.
 */
export function createSqliteStore(db: Db): Store {
  const staging = new Staging(db.name);
  // A pass's writes go to a thread with a connection of its own to the same file: an in-memory database has none.
  const writer = db.memory ? null : new WriterThread(db.name);
  staging.removeLeftovers(new Set(uploadsInProgress(db).map((u) => u.id)));
  const tx = <T>(fn: () => T): T => db.transaction(fn).immediate();
  const audited = (change: () => OperatorChange, entry: (o: Extract<OperatorChange, { ok: true }>['operator']) => Parameters<typeof audit>[1] | null) =>
    tx(() => {
      const r = change();
      if (r.ok) {
        const e = entry(r.operator);
        if (e) audit(db, e);
      }
      return r;
    });

  // The check and the write in one transaction: see checkFence.
  const guarded = <T>(fence: Fence | null, write: () => T) =>
    tx(() => {
      if (fence) checkFence(db, fence);
      return write();
    });
  /** A pass's writes on the writer thread, which checks the fence in each write's transaction; on this connection for an in-memory database. */
  const passWrites = (fence: Fence | null): Omit<FencedRunWrites, 'finish'> => ({
    recordOutcomes: async (runId, outcomes, requests, atMs = Date.now()) => {
      if (writer) await writer.recordOutcomes(runId, outcomes, requests, atMs, fence);
      else guarded(fence, () => recordOutcomes(db, runId, outcomes, requests, atMs));
      // A read on this process's own file: as cheap as the flag itself.
      return { cancelRequested: isCancelRequested(db, runId) };
    },
    keepValues: async (runId, kept) => (writer ? writer.keepValues(runId, kept, fence) : guarded(fence, () => keepValues(db, runId, kept))),
    copyUsers: async (runId, slice = COPY_SLICE) => (writer ? writer.copy(runId, slice, fence) : guarded(fence, () => copyUsersSlice(db, runId, slice))),
  });

  return {
    runs: {
      create: async (run, entry) =>
        tx(() => {
          const r = createRun(db, run);
          if (!r.existing) audit(db, { ...entry, runId: r.runId });
          return r;
        }),
      get: async (runId) => getRun(db, runId),
      list: async (opts) => listRuns(db, opts),
      listRunning: async (sources) => listRunningRuns(db, sources),
      pendingTargets: async (runId, afterSeq, limit) => pendingTargets(db, runId, afterSeq, limit),
      progress: async (runId) => recentProgress(db, runId),
      finish: async (runId, end) => finishRun(db, runId, end),
      requestCancel: async (runId, entry) =>
        tx(() => {
          const r = requestCancel(db, runId);
          if (r.ok) audit(db, { ...entry, runId });
          return r;
        }),
      isCancelRequested: async (runId) => isCancelRequested(db, runId),
      users: async (runId, opts) => listRunUsers(db, runId, opts),
      findUser: async (userId) => findUserAcrossRuns(db, userId),
      failureGroups: async (runId) => failureGroups(db, runId),
      createRetry: async (parentId, retryKeys, operator, entry) =>
        tx(() => {
          const r = createRetryRun(db, parentId, retryKeys, { operator });
          if (r.ok && !r.existing) audit(db, entry(r.runId, r.users));
          return r;
        }),
      ...passWrites(null),
      copySlice: COPY_SLICE,
      fenced: (fence) => ({ ...passWrites(fence), finish: async (runId, end) => guarded(fence, () => finishRun(db, runId, end)) }),
      attrCounts: async (runId) => attrCounts(db, runId),
      createFromCheck: async (checkId, start, entry) =>
        tx(() => {
          const r = createRemovalFromCheck(db, checkId, start);
          if (r.ok && !r.existing) audit(db, entry(r.runId, r.users));
          return r;
        }),
      createRestore: async (removalId, operator, entry) =>
        tx(() => {
          const r = createRestoreRun(db, removalId, { operator });
          if (r.ok && !r.existing) audit(db, entry(r.runId, r.users));
          return r;
        }),
      restoreState: async (run) => restoreState(db, run),
      purgeValues: async (finishedBeforeMs, entry) => {
        const purged: number[] = [];
        for (const runId of runsToPurgeBefore(db, new Date(finishedBeforeMs).toISOString())) {
          let users = 0;
          let after: number | null = 0;
          // A slice per turn of the event loop: pages and progress keep answering meanwhile.
          while (after !== null) {
            const slice = purgeValuesSlice(db, runId, after);
            users += slice.cleared;
            after = slice.next;
            if (after !== null) await new Promise((resolve) => setImmediate(resolve));
          }
          // Only a run that held values is audited, so old runs swept once do not fill the log.
          tx(() => {
            markValuesPurged(db, runId, new Date().toISOString());
            if (users > 0) audit(db, entry(runId, users));
          });
          if (users > 0) purged.push(runId);
        }
        return purged;
      },
    },
    uploads: {
      begin: async (upload, receiver, cap) => beginUpload(db, upload, receiver, cap),
      heartbeat: async (uploadId, owner, nowMs) => heartbeatUpload(db, uploadId, owner, nowMs),
      inProgress: async () => uploadsInProgress(db),
      addRows: async (uploadId, firstSeq, rows) => staging.append(uploadId, firstSeq, rows),
      addIssues: async (uploadId, issues) => addUploadIssues(db, uploadId, issues),
      complete: async (uploadId, facts) => {
        const finished = await staging.finish(uploadId);
        if (!finished.ok) throw new IllegalTransition('run', finished.status ?? 'missing', 'staged');
        return completeUpload(db, uploadId, facts, finished.users);
      },
      discard: async (uploadId, ifStill) => discardUpload(db, uploadId, ifStill),
      deleteDiscarded: async (uploadId) => {
        await staging.drop(uploadId);
        // A slice per turn of the event loop: pages and progress keep answering meanwhile.
        while (deleteDiscardedSlice(db, uploadId) === 'more') await new Promise((resolve) => setImmediate(resolve));
      },
      countRows: async (uploadId) => countUploadRows(db, uploadId),
      get: async (uploadId) => getUpload(db, uploadId),
      latestStaged: async (operator, appId, sinceMs) => latestStagedUpload(db, operator, appId, sinceMs),
      expired: async (before) => expiredUploads(db, before),
      issues: async (uploadId, opts) => uploadIssues(db, uploadId, opts),
      start: async (uploadId, start, entry) =>
        tx(() => {
          const r = startUpload(db, uploadId, start);
          if (r.ok && !r.existing) audit(db, { ...entry(r.users), runId: r.runId });
          return r;
        }),
    },
    operators: {
      find: async (username) => findOperator(db, username),
      list: async () => listOperators(db),
      count: async () => countOperators(db),
      lockedOut: async (nowMs) => lockedOutOperators(db, nowMs),
      insert: async (op, entry) => audited(() => insertOperator(db, op), entry),
      setDisabled: async (username, disabled, entry) => audited(() => setDisabled(db, username, disabled), entry),
      setRole: async (username, role, entry) => audited(() => setRole(db, username, role), entry),
      setPasswordHash: async (username, hash, entry) => audited(() => setPasswordHash(db, username, hash), entry),
      unlock: async (username, by, nowMs) => unlockOperator(db, username, by, nowMs),
      setApp: async (username, appId) => setOperatorApp(db, username, appId),
      setLocale: async (username, locale) => setOperatorLocale(db, username, locale),
    },
    sessions: {
      resolve: async (cookie, opts) => resolveSession(db, cookie, opts),
      end: async (cookie, secret, entry) =>
        tx(() => {
          endSession(db, cookie, secret);
          if (entry) audit(db, entry);
        }),
    },
    signIns: {
      begin: async (by, nowMs) => beginAttempt(db, by, nowMs),
      fail: async (attemptId, entry, nowMs) =>
        tx(() => {
          finishAttempt(db, attemptId, 'failed');
          audit(db, entry, nowMs);
        }),
      succeed: async (attemptId, operatorId, entry, session) =>
        tx(() => {
          finishAttempt(db, attemptId, 'ok');
          audit(db, entry, session.nowMs);
          return createSession(db, operatorId, session.secret, session.nowMs);
        }),
    },
    audit: {
      record: async (entry, nowMs) => audit(db, entry, nowMs),
      list: async (filter) => listAudit(db, filter),
    },
    idempotency: {
      claim: async (tokenId, key, fingerprint, nowMs) => claimKey(db, tokenId, key, fingerprint, nowMs),
      complete: async (tokenId, key, status, body) => completeKey(db, tokenId, key, status, body),
      release: async (tokenId, key) => releaseKey(db, tokenId, key),
    },
    webhooks: {
      add: async (hook, entry) =>
        tx(() => {
          const added = addWebhook(db, hook, new Date().toISOString());
          audit(db, entry(added));
          return added;
        }),
      list: async () => listWebhooks(db),
      remove: async (id, entry) =>
        tx(() => {
          const removed = removeWebhook(db, id, new Date().toISOString());
          if (removed) audit(db, entry(removed));
          return removed;
        }),
      claimDue: async (nowMs, limit, leaseMs) => claimDueDeliveries(db, nowMs, limit, leaseMs),
      record: async (deliveryId, outcome, nowMs) => recordDelivery(db, deliveryId, outcome, nowMs),
    },
    lease: {
      acquire: async (me, opts) => acquireLease(db, me, opts),
    },
    // One writer sends for every app: the database-wide lease decides alone.
    appLeases: null,
    tokens: {
      create: async (token, entry) =>
        tx(() => {
          const made = insertToken(db, token, new Date().toISOString());
          if (made) audit(db, entry(made));
          return made;
        }),
      list: async () => listTokens(db),
      byHash: async (hash) => tokenByHash(db, hash),
      revoke: async (id, entry) =>
        tx(() => {
          const revoked = revokeToken(db, id, new Date().toISOString());
          if (revoked) audit(db, entry(revoked));
          return revoked;
        }),
    },
    ping: async () => {
      db.prepare('SELECT 1').get();
    },
    purgeExpired: async (limits, nowMs) => purgeExpired(db, limits, nowMs),
    close: async () => {
      await staging.close();
      await writer?.close();
      db.close();
    },
  };
}

export function openSqliteStore(path: string): Store {
  return createSqliteStore(openDatabase(path));
}
