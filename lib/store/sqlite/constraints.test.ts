import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase, type Db } from './database';
import { createSqliteStore } from './store';
import type { Store } from '../store';

/**
 * Two connections to one file, as two console processes would hold: each rule that once rested on
 * this process's own check must hold because the database refuses the second row. The contract
 * (store-contract.ts) asks the same of one store; here the second ask comes from another connection.
 */
let dir: string;
let dbs: Db[];
let one: Store;
let other: Store;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'constraints-test-'));
  dbs = [openDatabase(join(dir, 'console.db')), openDatabase(join(dir, 'console.db'))];
  [one, other] = dbs.map(createSqliteStore) as [Store, Store];
});
afterEach(() => {
  for (const db of dbs) db.close();
  rmSync(dir, { recursive: true, force: true });
});

const by = { operator: 'ann', clientIp: null };
const users = (ids: string[]) => ids.map((account) => ({ account, attrs: ['sex'] }));
const started = (runId: number) => ({ ...by, action: 'run-started' as const, runId });
const runningChildren = (db: Db, parentId: number) =>
  db.prepare("SELECT kind, COUNT(*) AS n FROM runs WHERE parent_run_id = ? AND status = 'running' GROUP BY kind ORDER BY kind").all(parentId);

describe('one running removal per dry run, across connections', () => {
  it('the second connection gets the first one’s removal, and a row written past the store is refused', async () => {
    const { runId: checkId } = await one.runs.create({ source: 'csv', kind: 'check', appId: 'default', sdkAppId: 1, region: 'china', operator: 'ann', users: users(['a']) }, { ...by, action: 'check-started' });
    await one.runs.finish(checkId, { status: 'completed' });
    const first = await one.runs.createFromCheck(checkId, { requestKey: 'key-one-0123456789ab', operator: 'ann' }, started);
    const second = await other.runs.createFromCheck(checkId, { requestKey: 'key-two-0123456789ab', operator: 'bob' }, started);
    expect(second).toEqual({ ok: true, runId: first.ok && first.runId, users: 1, existing: true });
    expect(() =>
      dbs[1]!.prepare("INSERT INTO runs (created_at, source, kind, sdkappid, region, attrs, status, total, parent_run_id) VALUES ('t', 'csv', 'remove', 1, 'china', '[]', 'running', 1, ?)").run(checkId),
    ).toThrow(/UNIQUE constraint failed/);
    expect(runningChildren(dbs[0]!, checkId)).toEqual([{ kind: 'remove', n: 1 }]);
  });
});

describe('one running retry per run, across connections', () => {
  it('the second connection gets the first one’s retry, and a row written past the store is refused', async () => {
    const { runId } = await one.runs.create({ source: 'csv', appId: 'default', sdkAppId: 1, region: 'china', operator: 'ann', users: users(['a', 'b']) }, { ...by, action: 'run-started' });
    await one.runs.finish(runId, { status: 'cancelled' });
    const first = await one.runs.createRetry(runId, [], 'ann', started);
    const second = await other.runs.createRetry(runId, [], 'bob', started);
    expect(second).toEqual({ ok: true, runId: first.ok && first.runId, users: 2, existing: true });
    expect(() =>
      dbs[1]!.prepare("INSERT INTO runs (created_at, source, kind, sdkappid, region, attrs, status, total, parent_run_id) VALUES ('t', 'retry', 'remove', 1, 'china', '[]', 'running', 2, ?)").run(runId),
    ).toThrow(/UNIQUE constraint failed/);
    expect(runningChildren(dbs[0]!, runId)).toEqual([{ kind: 'remove', n: 1 }]);
  });
});

describe('one running restore per removal, across connections', () => {
  it('the second connection gets the first one’s restore, and a row written past the store is refused', async () => {
    const { runId } = await one.runs.create({ source: 'csv', appId: 'default', sdkAppId: 1, region: 'china', operator: 'ann', users: users(['a']) }, { ...by, action: 'run-started' });
    await one.runs.keepValues(runId, [{ seq: 1, values: { sex: 'f' } }]);
    await one.runs.recordOutcomes(runId, [{ seq: 1, account: 'a', status: 'removed', attrs: ['sex'], values: { sex: 'f' }, valuesKept: true, attempts: 1 }], 1);
    await one.runs.finish(runId, { status: 'completed' });
    const first = await one.runs.createRestore(runId, 'ann', started);
    const second = await other.runs.createRestore(runId, 'bob', started);
    expect(second).toEqual({ ok: true, runId: first.ok && first.runId, users: 1, existing: true });
    expect(() =>
      dbs[1]!.prepare("INSERT INTO runs (created_at, source, kind, sdkappid, region, attrs, status, total, parent_run_id) VALUES ('t', 'restore', 'restore', 1, 'china', '[]', 'running', 1, ?)").run(runId),
    ).toThrow(/UNIQUE constraint failed/);
    expect(runningChildren(dbs[0]!, runId)).toEqual([{ kind: 'restore', n: 1 }]);
  });
});
