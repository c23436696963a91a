import { describe, expect, it, beforeEach, afterEach } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase, type Db } from './database';
import { MIGRATIONS } from './migrations';
import { closeAbandonedRuns, createRun, pendingTargets, requestCancel, listRunningRuns, finishRun, findUserAcrossRuns, getRun, listRunUsers, listRuns, recordOutcomes } from './runs';
import type { Failure } from '../tim/outcomes';

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
    const runId = createRun(db, { source: 'form', sdkAppId: 1400000000, region: 'china', operator: null, users: users(['a', 'b', 'c']) });
    expect(pendingTargets(db, runId, 0, 10).map((t) => [t.seq, t.account])).toEqual([[1, 'a'], [2, 'b'], [3, 'c']]);
    expect(pendingTargets(db, runId, 2, 10).map((t) => t.seq)).toEqual([3]);
    const run = getRun(db, runId)!;
    expect(run).toMatchObject({ status: 'running', total: 3, pending: 3, removed: 0, attrs: ['sex', 'city'] });
    expect(listRunUsers(db, runId, { limit: 10 }).map((u) => u.result)).toEqual(['pending', 'pending', 'pending']);
  });

  it('counts each user once even when a batch is reported twice', () => {
    const runId = createRun(db, { source: 'form', sdkAppId: 1, region: 'china', operator: null, users: users(['a', 'b', 'c']) });
    const batch = [
      { seq: 1, account: 'a', status: 'removed' as const, attempts: 1 },
      { seq: 2, account: 'b', status: 'failed' as const, failure: notFound, attempts: 1 },
    ];
    recordOutcomes(db, runId, batch, 1);
    recordOutcomes(db, runId, batch, 1);
    const run = getRun(db, runId)!;
    expect(run).toMatchObject({ removed: 1, failed: 1, pending: 1, requests: 2 });
    const b = listRunUsers(db, runId, { limit: 10 })[1]!;
    expect(b).toMatchObject({ userId: 'b', result: 'failed', failure: { key: '70107', code: 70107, info: 'account not found' } });
  });

  it('marks unsent users "not sent" and keeps why a run stopped', () => {
    const runId = createRun(db, { source: 'form', sdkAppId: 1, region: 'china', operator: null, users: users(['a', 'b']) });
    recordOutcomes(db, runId, [{ seq: 1, account: 'a', status: 'failed', failure: { key: '70009', code: 70009, info: 'sig', handling: 'fatal' }, attempts: 1 }], 1);
    finishRun(db, runId, { status: 'stopped', failure: { key: '70009', code: 70009, info: 'sig', handling: 'fatal' } });
    const run = getRun(db, runId)!;
    expect(run).toMatchObject({ status: 'failed', failed: 1, notSent: 1, pending: 0, error: { key: '70009', code: 70009 } });
    expect(run.removed + run.failed + run.notSent).toBe(run.total);
  });

  it('lists runs newest first, pages users by seq, finds a user across runs', () => {
    const first = createRun(db, { source: 'form', sdkAppId: 1, region: 'china', operator: null, users: users(['alice', 'bob']) });
    const second = createRun(db, { source: 'form', sdkAppId: 1, region: 'china', operator: null, users: users(['carol', 'alice', 'dave']) });
    expect(listRuns(db, { limit: 10 }).map((r) => r.id)).toEqual([second, first]);
    expect(listRunUsers(db, second, { afterSeq: 1, limit: 1 }).map((u) => u.userId)).toEqual(['alice']);
    expect(findUserAcrossRuns(db, 'alice').map((x) => x.run.id)).toEqual([second, first]);
    expect(findUserAcrossRuns(db, 'nobody')).toEqual([]);
  });

  it('closes runs a dead process left running', () => {
    const runId = createRun(db, { source: 'form', sdkAppId: 1, region: 'china', operator: null, users: users(['a']) });
    expect(closeAbandonedRuns(db, 'form')).toEqual([runId]);
    expect(getRun(db, runId)).toMatchObject({ status: 'interrupted', notSent: 1 });
  });

  it('applies migrations once and survives reopening', () => {
    const path = db.name;
    createRun(db, { source: 'form', sdkAppId: 1, region: 'china', operator: null, users: users(['a']) });
    db.close();
    db = openDatabase(path);
    expect(listRuns(db, { limit: 5 })).toHaveLength(1);
    expect(db.prepare('SELECT count(*) FROM schema_migrations').pluck().get()).toBe(MIGRATIONS.length);
  });

  it('filters users by result and error code while paging', () => {
    const runId = createRun(db, { source: 'csv', sdkAppId: 1, region: 'china', operator: null, users: users(['a', 'b', 'c', 'd']), file: { name: 'x.csv', rowsRead: 6, invalidRows: 1, duplicateRows: 1 } });
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

  it('records a cancel request only for a running run and lists running runs by source', () => {
    const csv = createRun(db, { source: 'csv', sdkAppId: 1, region: 'china', operator: null, users: users(['a']) });
    const form = createRun(db, { source: 'form', sdkAppId: 1, region: 'china', operator: null, users: users(['a']) });
    expect(listRunningRuns(db, ['csv', 'retry']).map((r) => r.id)).toEqual([csv]);
    expect(requestCancel(db, csv)).toBe(true);
    expect(getRun(db, csv)!.cancelRequested).toBe(true);
    finishRun(db, form, { status: 'completed' });
    expect(requestCancel(db, form)).toBe(false);
  });
});
