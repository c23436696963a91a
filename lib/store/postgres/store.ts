import 'server-only';
import type pg from 'pg';
import type { OperatorChange } from '../../auth/types';
import type { AuditInput } from '../../audit/types';
import type { PostgresConfig } from '../../database-url';
import type { Store } from '../store';
import { audit, listAudit } from './audit';
import { createPool, tx } from './database';
import { acquireLease } from './lease';
import { beatProcess, checkFence, listAppLeases, releaseAppLease, renewAppLeases, takeAppLease } from './app-leases';
import { claimKey, completeKey, releaseKey } from './idempotency';
import { insertToken, listTokens, revokeToken, tokenByHash } from './tokens';
import { addWebhook, claimDueDeliveries, listWebhooks, recordDelivery, removeWebhook } from './webhooks';
import { migrate } from './migrations';
import { countOperators, findOperator, insertOperator, listOperators, setDisabled, setOperatorApp, setOperatorLocale, setPasswordHash, setRole } from './operators';
import { CONNECTIONS_FOR_PAGES, limitConcurrency } from './pass-connections';
import { purgeExpired } from './retention';
import { runTurns } from './run-turns';
import { createRetryRun, createRun, finishRun, getRun, isCancelRequested, listRunningRuns, listRuns, requestCancel } from './runs';
import { createSession, endSession, resolveSession } from './sessions';
import { beginAttempt, finishAttempt, lockedOutOperators, unlockOperator } from './sign-ins';
import {
  addStagedRows,
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
import { failureGroups, findUserAcrossRuns, keepValues, listRunUsers, pendingTargets, recentProgress, recordOutcomes } from './users-results';
import { attrCounts, copyUsersSlice, createRemovalFromCheck, createRestoreRun, markValuesPurged, purgeValuesSlice, restoreState, runsToPurgeBefore } from './values';

/** Lease writes come one at a time from a process's worker; a second connection serves a release at the end of a pass meanwhile. */
const LEASE_CONNECTIONS = 2;

const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

/** Users per copy slice: a slice is a transaction of several round trips, and one of 500 users took nearly as long as one of 2,000. */
const COPY_SLICE = 2_000;

/**
 * The store for several console processes on one Postgres database, behind the same interface and
 * contract as SQLite's. Statements run on a pool; a method that writes twice (a change and its
 * audit row) does it in one transaction on one connection. Isolation is READ COMMITTED: where a
 * rule needs a count and a write to be one step, a constraint decides or an advisory lock makes
 * writers take turns (see each file).
 */

function createPostgresStore(pool: pg.Pool, poolSize: number, leasePool: pg.Pool, ready: Promise<void>): Store {
  // Every method waits for the migrations; a failed one rejects them all with its reason.
  const on = async <T>(fn: (pool: pg.Pool) => Promise<T>): Promise<T> => {
    await ready;
    return fn(pool);
  };
  const inTx = <T>(fn: (db: pg.PoolClient) => Promise<T>) => on((p) => tx(p, fn));
  const passes = limitConcurrency(Math.max(1, poolSize - CONNECTIONS_FOR_PAGES));
  const onPass = <T>(fn: (pool: pg.Pool) => Promise<T>): Promise<T> => on((p) => passes(() => fn(p)));
  const inPassTx = <T>(fn: (db: pg.PoolClient) => Promise<T>) => onPass((p) => tx(p, fn));
  const turns = runTurns((runId, g) => onPass((db) => recordOutcomes(db, runId, g.outcomes, g.requests, g.atMs, g.fence)));
  const inTurn = turns.inTurn;
  const onLeases = async <T>(fn: (pool: pg.Pool) => Promise<T>): Promise<T> => {
    await ready;
    return fn(leasePool);
  };
  const audited = (change: (db: pg.PoolClient) => Promise<OperatorChange>, entry: (o: Extract<OperatorChange, { ok: true }>['operator']) => AuditInput | null) =>
    inTx(async (db) => {
      const r = await change(db);
      if (r.ok) {
        const e = entry(r.operator);
        if (e) await audit(db, e);
      }
      return r;
    });
  let closed = false;

  return {
    runs: {
      create: (run, entry) =>
        inTx(async (db) => {
          const r = await createRun(db, run);
          if (!r.existing) await audit(db, { ...entry, runId: r.runId });
          return r;
        }),
      get: (runId) => on((db) => getRun(db, runId)),
      list: (opts) => on((db) => listRuns(db, opts)),
      listRunning: (sources) => on((db) => listRunningRuns(db, sources)),
      pendingTargets: (runId, afterSeq, limit) => onPass((db) => pendingTargets(db, runId, afterSeq, limit)),
      recordOutcomes: (runId, outcomes, requests, atMs = Date.now()) => turns.recordOutcomes(runId, outcomes, requests, atMs, null),
      progress: (runId) => on((db) => recentProgress(db, runId)),
      finish: (runId, end) => inPassTx((db) => finishRun(db, runId, end)),
      requestCancel: (runId, entry) =>
        inTx(async (db) => {
          const r = await requestCancel(db, runId);
          if (r.ok) await audit(db, { ...entry, runId });
          return r;
        }),
      isCancelRequested: (runId) => onPass((db) => isCancelRequested(db, runId)),
      users: (runId, opts) => on((db) => listRunUsers(db, runId, opts)),
      findUser: (userId) => on((db) => findUserAcrossRuns(db, userId)),
      failureGroups: (runId) => on((db) => failureGroups(db, runId)),
      createRetry: (parentId, retryKeys, operator, entry) =>
        inTx(async (db) => {
          const r = await createRetryRun(db, parentId, retryKeys, { operator });
          if (r.ok && !r.existing) await audit(db, entry(r.runId, r.users));
          return r;
        }),
      keepValues: (runId, kept) => onPass((db) => keepValues(db, runId, kept)),
      copyUsers: (runId, slice = COPY_SLICE) => inPassTx((db) => copyUsersSlice(db, runId, slice)),
      copySlice: COPY_SLICE,
      fenced: (fence) => {
        // The check and the write share one transaction: see checkFence.
        const guarded = <T>(write: (db: pg.PoolClient) => Promise<T>) =>
          inPassTx(async (db) => {
            await checkFence(db, fence);
            return write(db);
          });
        return {
          // Each one statement, which checks the fence itself.
          recordOutcomes: (runId, outcomes, requests, atMs = Date.now()) => turns.recordOutcomes(runId, outcomes, requests, atMs, fence),
          // Values are kept per user, without the run's row: no turn to wait for.
          keepValues: (runId, kept) => onPass((db) => keepValues(db, runId, kept, fence)),
          finish: (runId, end) => inTurn(runId, () => guarded((db) => finishRun(db, runId, end))),
          copyUsers: (runId, slice = COPY_SLICE) => inTurn(runId, () => guarded((db) => copyUsersSlice(db, runId, slice))),
        };
      },
      attrCounts: (runId) => on((db) => attrCounts(db, runId)),
      createFromCheck: (checkId, start, entry) =>
        inTx(async (db) => {
          const r = await createRemovalFromCheck(db, checkId, start);
          if (r.ok && !r.existing) await audit(db, entry(r.runId, r.users));
          return r;
        }),
      createRestore: (removalId, operator, entry) =>
        inTx(async (db) => {
          const r = await createRestoreRun(db, removalId, { operator });
          if (r.ok && !r.existing) await audit(db, entry(r.runId, r.users));
          return r;
        }),
      restoreState: (run) => on((db) => restoreState(db, run)),
      purgeValues: (finishedBeforeMs, entry) =>
        on(async (pool) => {
          const purged: number[] = [];
          for (const runId of await runsToPurgeBefore(pool, finishedBeforeMs)) {
            let users = 0;
            let after: number | null = 0;
            // A slice per statement, each committed: a long purge holds no lock for long.
            while (after !== null) {
              const slice = await purgeValuesSlice(pool, runId, after);
              users += slice.cleared;
              after = slice.next;
            }
            // Only a run that held values is audited, so old runs swept once do not fill the log.
            await tx(pool, async (db) => {
              await markValuesPurged(db, runId);
              if (users > 0) await audit(db, entry(runId, users));
            });
            if (users > 0) purged.push(runId);
          }
          return purged;
        }),
    },
    uploads: {
      begin: (upload, receiver, cap) => on((p) => beginUpload(p, upload, receiver, cap)),
      heartbeat: (uploadId, owner, nowMs) => on((db) => heartbeatUpload(db, uploadId, owner, nowMs)),
      inProgress: () => on((db) => uploadsInProgress(db)),
      addRows: (uploadId, firstSeq, rows) => on((p) => addStagedRows(p, uploadId, firstSeq, rows)),
      addIssues: (uploadId, issues) => on((p) => addUploadIssues(p, uploadId, issues)),
      complete: (uploadId, facts) => on((p) => completeUpload(p, uploadId, facts)),
      discard: (uploadId, ifStill) => on((db) => discardUpload(db, uploadId, ifStill)),
      deleteDiscarded: (uploadId) =>
        on(async (p) => {
          // A slice per transaction, and a turn of the event loop between them.
          while ((await deleteDiscardedSlice(p, uploadId)) === 'more') await nextTurn();
        }),
      countRows: (uploadId) => on((db) => countUploadRows(db, uploadId)),
      get: (uploadId) => on((db) => getUpload(db, uploadId)),
      latestStaged: (operator, appId, sinceMs) => on((db) => latestStagedUpload(db, operator, appId, sinceMs)),
      expired: (before) => on((db) => expiredUploads(db, before)),
      issues: (uploadId, opts) => on((db) => uploadIssues(db, uploadId, opts)),
      start: (uploadId, start, entry) =>
        inTx(async (db) => {
          const r = await startUpload(db, uploadId, start);
          if (r.ok && !r.existing) await audit(db, { ...entry(r.users), runId: r.runId });
          return r;
        }),
    },
    operators: {
      find: (username) => on((db) => findOperator(db, username)),
      list: () => on((db) => listOperators(db)),
      count: () => on((db) => countOperators(db)),
      lockedOut: (nowMs) => on((db) => lockedOutOperators(db, nowMs)),
      insert: (op, entry) => audited((db) => insertOperator(db, op), entry),
      setDisabled: (username, disabled, entry) => audited((db) => setDisabled(db, username, disabled), entry),
      setRole: (username, role, entry) => audited((db) => setRole(db, username, role), entry),
      setPasswordHash: (username, hash, entry) => audited((db) => setPasswordHash(db, username, hash), entry),
      unlock: (username, by, nowMs) => on((p) => unlockOperator(p, username, by, nowMs)),
      setApp: (username, appId) => on((db) => setOperatorApp(db, username, appId)),
      setLocale: (username, locale) => on((db) => setOperatorLocale(db, username, locale)),
    },
    sessions: {
      resolve: (cookie, opts) => on((db) => resolveSession(db, cookie, opts)),
      end: (cookie, secret, entry) =>
        inTx(async (db) => {
          await endSession(db, cookie, secret);
          if (entry) await audit(db, entry);
        }),
    },
    signIns: {
      begin: (by, nowMs) => on((p) => beginAttempt(p, by, nowMs)),
      fail: (attemptId, entry, nowMs) =>
        inTx(async (db) => {
          await finishAttempt(db, attemptId, 'failed');
          await audit(db, entry, nowMs);
        }),
      succeed: (attemptId, operatorId, entry, session) =>
        inTx(async (db) => {
          await finishAttempt(db, attemptId, 'ok');
          await audit(db, entry, session.nowMs);
          return createSession(db, operatorId, session.secret, session.nowMs);
        }),
    },
    audit: {
      record: (entry, nowMs) => inTx((db) => audit(db, entry, nowMs)),
      list: (filter) => on((db) => listAudit(db, filter)),
    },
    tokens: {
      create: (token, entry) =>
        inTx(async (db) => {
          const made = await insertToken(db, token);
          if (made) await audit(db, entry(made));
          return made;
        }),
      list: () => on((p) => listTokens(p)),
      byHash: (hash) => on((p) => tokenByHash(p, hash)),
      revoke: (id, entry) =>
        inTx(async (db) => {
          const revoked = await revokeToken(db, id);
          if (revoked) await audit(db, entry(revoked));
          return revoked;
        }),
    },
    idempotency: {
      claim: (tokenId, key, fingerprint, nowMs) => on((p) => claimKey(p, tokenId, key, fingerprint, nowMs)),
      complete: (tokenId, key, status, body) => on((p) => completeKey(p, tokenId, key, status, body)),
      release: (tokenId, key) => on((p) => releaseKey(p, tokenId, key)),
    },
    webhooks: {
      add: (hook, entry) =>
        inTx(async (db) => {
          const added = await addWebhook(db, hook);
          await audit(db, entry(added));
          return added;
        }),
      list: () => on((p) => listWebhooks(p)),
      remove: (id, entry) =>
        inTx(async (db) => {
          const removed = await removeWebhook(db, id);
          if (removed) await audit(db, entry(removed));
          return removed;
        }),
      claimDue: (nowMs, limit, leaseMs) => on((p) => claimDueDeliveries(p, nowMs, limit, leaseMs)),
      record: (deliveryId, outcome, nowMs) => on((p) => recordDelivery(p, deliveryId, outcome, nowMs)),
    },
    lease: {
      acquire: (me, opts) => onLeases((db) => acquireLease(db, me, opts)),
    },
    appLeases: {
      beat: (me, opts) => onLeases((db) => beatProcess(db, me, opts)),
      list: () => onLeases((db) => listAppLeases(db)),
      take: (me, appId, opts) => onLeases((p) => tx(p, (db) => takeAppLease(db, me, appId, opts))),
      renew: (fences, opts) => onLeases((db) => renewAppLeases(db, fences, opts)),
      release: (fence, nowMs) => onLeases((db) => releaseAppLease(db, fence, nowMs)),
    },
    ping: () =>
      on(async (db) => {
        await db.query('SELECT 1');
      }),
    purgeExpired: (limits, nowMs) => on((p) => purgeExpired(p, limits, nowMs)),
    close: async () => {
      if (closed) return;
      closed = true;
      await ready.catch(() => undefined);
      await Promise.all([pool.end(), leasePool.end()]);
    },
  };
}

/**
 * Opens the pool at once and migrates in the background: the composition root stays synchronous,
 * and start-up's first call (ping, the first admin) waits for the migrations and fails with their
 * reason if they fail.
 */
export function openPostgresStore(config: PostgresConfig): Store {
  const pool = createPool(config);
  // Leases are renewed on a connection of their own: queued behind a busy process's batch writes
  // on the shared pool, a renewal came so late that the holder stopped sending for its apps.
  const leasePool = createPool({ ...config, pool: LEASE_CONNECTIONS });
  const ready = migrate(pool).catch((err: unknown) => {
    // Start-up prints this: which database (never its password), and why.
    throw new Error(`cannot open the database ${config.display}: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
  });
  // Handled here so a store nobody calls does not crash the process; every call still sees the rejection.
  ready.catch(() => undefined);
  return createPostgresStore(pool, config.pool, leasePool, ready);
}
