import { describe, expect, it, beforeEach, afterEach } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase, type Db } from './database';
import { MIGRATIONS } from './migrations';
import { createRetryRun, createRun, isCancelRequested, requestCancel, listRunningRuns, finishRun, getRun, listRuns } from './runs';
import { findUserAcrossRuns, listRunUsers, pendingTargets } from './users-results';
import { recordOutcomes } from './batch-writes';
import { IllegalTransition } from '../../runs/state-machine';
import type { Failure } from '../../tim/outcomes';

const notFound: Failure = { key: '70107', code: 70107, info: 'account not found', handling: 'permanent' };

let dir: string;
let db: Db;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'runs-test-'));
  db = openDatabase(join(dir, 'nested', 'console.db'));
});
afterEach(() => {
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

const users = (ids: string[]) => ids.map((account) => ({ account, attrs: ['sex', 'city'] }));

describe('runs repository (real SQLite file)', () => {
  it('writes the run and all its users before anything is sent', () => {
    const runId = createRun(db, { source: 'form', appId: 'default', sdkAppId: 1400000000, region: 'china', operator: null, users: users(['a', 'b', 'c']) }).runId;
    expect(pendingTargets(db, runId, 0, 10).map((t) => [t.seq, t.account])).toEqual([[1, 'a'], [2, 'b'], [3, 'c']]);
    expect(pendingTargets(db, runId, 2, 10).map((t) => t.seq)).toEqual([3]);
    const run = getRun(db, runId)!;
    expect(run).toMatchObject({ status: 'running', total: 3, pending: 3, succeeded: 0, attrs: ['sex', 'city'] });
    expect(listRunUsers(db, runId, { limit: 10 }).map((u) => u.result)).toEqual(['pending', 'pending', 'pending']);
  });

  it('counts each user once even when a batch is reported twice', () => {
    const runId = createRun(db, { source: 'form', appId: 'default', sdkAppId: 1, region: 'china', operator: null, users: users(['a', 'b', 'c']) }).runId;
    const batch = [
      { seq: 1, account: 'a', status: 'removed' as const, attempts: 1 },
      { seq: 2, account: 'b', status: 'failed' as const, failure: notFound, attempts: 1 },
    ];
    recordOutcomes(db, runId, batch, 1);
    recordOutcomes(db, runId, batch, 1);
    const run = getRun(db, runId)!;
    expect(run).toMatchObject({ succeeded: 1, failed: 1, pending: 1, requests: 2 });
    const b = listRunUsers(db, runId, { limit: 10 })[1]!;
    expect(b).toMatchObject({ userId: 'b', result: 'failed', failure: { key: '70107', code: 70107, info: 'account not found' } });
  });

  it('marks unsent users "not sent" and keeps why a run stopped', () => {
    const runId = createRun(db, { source: 'form', appId: 'default', sdkAppId: 1, region: 'china', operator: null, users: users(['a', 'b']) }).runId;
    recordOutcomes(db, runId, [{ seq: 1, account: 'a', status: 'failed', failure: { key: '70009', code: 70009, info: 'sig', handling: 'fatal' }, attempts: 1 }], 1);
    finishRun(db, runId, { status: 'stopped', failure: { key: '70009', code: 70009, info: 'sig', handling: 'fatal' } });
    const run = getRun(db, runId)!;
    expect(run).toMatchObject({ status: 'failed', failed: 1, notSent: 1, pending: 0, error: { key: '70009', code: 70009 } });
    expect(run.succeeded + run.failed + run.notSent).toBe(run.total);
  });

  it('lists runs newest first, pages users by seq, finds a user across runs', () => {
    const first = createRun(db, { source: 'form', appId: 'default', sdkAppId: 1, region: 'china', operator: null, users: users(['alice', 'bob']) }).runId;
    const second = createRun(db, { source: 'form', appId: 'default', sdkAppId: 1, region: 'china', operator: null, users: users(['carol', 'alice', 'dave']) }).runId;
    expect(listRuns(db, { limit: 10 }).map((r) => r.id)).toEqual([second, first]);
    expect(listRunUsers(db, second, { afterSeq: 1, limit: 1 }).map((u) => u.userId)).toEqual(['alice']);
    expect(findUserAcrossRuns(db, 'alice').map((x) => x.run.id)).toEqual([second, first]);
    expect(findUserAcrossRuns(db, 'nobody')).toEqual([]);
  });

  it('refuses to close a run twice: the state machine allows one way out of running', () => {
    const runId = createRun(db, { source: 'csv', appId: 'default', sdkAppId: 1, region: 'china', operator: null, users: users(['a']) }).runId;
    expect(finishRun(db, runId, { status: 'halted', reason: 'error' })).toBeNull();
    expect(getRun(db, runId)).toMatchObject({ status: 'running', pending: 1, notSent: 0 });
    expect(finishRun(db, runId, { status: 'cancelled' })).toBe('cancelled');
    expect(() => finishRun(db, runId, { status: 'completed' })).toThrow(IllegalTransition);
    expect(getRun(db, runId)).toMatchObject({ status: 'cancelled', notSent: 1 });
  });

  it('a second submit with the same request key gets the first run', () => {
    const first = createRun(db, { requestKey: 'k'.repeat(20), source: 'form', appId: 'default', sdkAppId: 1, region: 'china', operator: 'x', users: users(['a', 'b']) });
    const again = createRun(db, { requestKey: 'k'.repeat(20), source: 'form', appId: 'default', sdkAppId: 1, region: 'china', operator: 'y', users: users(['c']) });
    expect(again).toEqual({ runId: first.runId, existing: true });
    expect(listRuns(db, { limit: 10 })).toHaveLength(1);
    expect(createRun(db, { source: 'form', appId: 'default', sdkAppId: 1, region: 'china', operator: 'x', users: users(['a']) }).existing).toBe(false);
  });

  it('retry: refused while the run is going, one retry for two asks, refused when nothing is retryable', () => {
    const parent = createRun(db, { source: 'csv', appId: 'default', sdkAppId: 1, region: 'china', operator: null, users: users(['a', 'b', 'c']) }).runId;
    const meta = { operator: 'x' };
    expect(createRetryRun(db, parent, ['91000'], meta)).toEqual({ ok: false, refusal: 'still-running' });
    recordOutcomes(db, parent, [
      { seq: 1, account: 'a', status: 'failed', failure: { key: '91000', code: 91000, info: '', handling: 'retry' }, attempts: 5 },
      { seq: 2, account: 'b', status: 'failed', failure: notFound, attempts: 1 },
      { seq: 3, account: 'c', status: 'removed', attempts: 1 },
    ], 1);
    finishRun(db, parent, { status: 'completed' });
    const first = createRetryRun(db, parent, ['91000'], meta);
    const second = createRetryRun(db, parent, ['91000'], meta);
    expect(first).toMatchObject({ ok: true, users: 1, existing: false });
    expect(second).toMatchObject({ ok: true, existing: true, runId: first.ok ? first.runId : -1 });
    expect(createRetryRun(db, parent, [], meta)).toMatchObject({ ok: true, existing: true });
    if (first.ok) finishRun(db, first.runId, { status: 'completed' });
    expect(createRetryRun(db, parent, [], meta)).toEqual({ ok: false, refusal: 'nothing-to-retry' });
    expect(createRetryRun(db, 999, [], meta)).toEqual({ ok: false, refusal: 'not-found' });
  });

  it('applies migrations once and survives reopening', () => {
    const path = db.name;
    createRun(db, { source: 'form', appId: 'default', sdkAppId: 1, region: 'china', operator: null, users: users(['a']) });
    db.close();
    db = openDatabase(path);
    expect(listRuns(db, { limit: 5 })).toHaveLength(1);
    expect(db.prepare('SELECT count(*) FROM schema_migrations').pluck().get()).toBe(MIGRATIONS.length);
  });

  it('filters users by result and error code while paging', () => {
    const runId = createRun(db, { source: 'csv', appId: 'default', sdkAppId: 1, region: 'china', operator: null, users: users(['a', 'b', 'c', 'd']), file: { name: 'x.csv', rowsRead: 6, invalidRows: 1, duplicateRows: 1 } }).runId;
    recordOutcomes(db, runId, [
      { seq: 1, account: 'a', status: 'failed', failure: notFound, attempts: 1 },
      { seq: 2, account: 'b', status: 'removed', attempts: 1 },
      { seq: 3, account: 'c', status: 'failed', failure: { key: '91000', code: 91000, info: '', handling: 'retry' }, attempts: 5 },
    ], 2);
    expect(listRunUsers(db, runId, { limit: 10, filter: { result: 'failed' } }).map((u) => u.userId)).toEqual(['a', 'c']);
    expect(listRunUsers(db, runId, { limit: 10, filter: { result: 'failed', errorKey: '91000' } }).map((u) => u.userId)).toEqual(['c']);
    expect(listRunUsers(db, runId, { limit: 10, afterSeq: 1, filter: { result: 'failed' } }).map((u) => u.userId)).toEqual(['c']);
    expect(getRun(db, runId)!.file).toEqual({ name: 'x.csv', rowsRead: 6, invalidRows: 1, duplicateRows: 1 });
  });

  it('records a cancel request only for a running background run and lists running runs', () => {
    const csv = createRun(db, { source: 'csv', appId: 'default', sdkAppId: 1, region: 'china', operator: null, users: users(['a']) }).runId;
    const form = createRun(db, { source: 'form', appId: 'default', sdkAppId: 1, region: 'china', operator: null, users: users(['a']) }).runId;
    expect(listRunningRuns(db, ['csv', 'retry']).map((r) => r.id)).toEqual([csv]);
    expect(listRunningRuns(db).map((r) => r.id)).toEqual([csv, form]);
    expect(requestCancel(db, csv)).toEqual({ ok: true });
    expect(getRun(db, csv)!.cancelRequested).toBe(true);
    expect(isCancelRequested(db, csv)).toBe(true);
    expect(requestCancel(db, form)).toEqual({ ok: false, refusal: 'form-run' });
    finishRun(db, csv, { status: 'completed' });
    expect(requestCancel(db, csv)).toEqual({ ok: false, refusal: 'not-running' });
    expect(requestCancel(db, 999)).toEqual({ ok: false, refusal: 'not-found' });
  });
});
