import { beforeEach, describe, expect, it } from 'vitest';
import type { Db } from './database';
import { createSqliteStore } from './store';
import { tempDatabase } from './temp-database';
import type { Store } from '../store';

/**
 * Two connections to one file, as two console processes would hold: each rule that once rested on
 * this process's own check must hold because the database refuses the second row. The contract
 * (store-contract.ts) asks the same of one store; here the second ask comes from another connection.
 */
const file = tempDatabase('constraints-test-');
let one: Store;
let other: Store;
let otherDb: Db;
beforeEach(() => {
  otherDb = file.open();
  one = createSqliteStore(file.db());
  other = createSqliteStore(otherDb);
});

const by = { operator: 'ann', clientIp: null };
const started = (runId: number) => ({ ...by, action: 'run-started' as const, runId });
const finished = async (kind: 'remove' | 'check', removedWithValue = false) => {
  const { runId } = await one.runs.create({ source: 'csv', kind, appId: 'default', sdkAppId: 1, region: 'china', operator: 'ann', users: [{ account: 'a', attrs: ['sex'] }] }, { ...by, action: 'run-started' });
  if (removedWithValue) await one.runs.recordOutcomes(runId, [{ seq: 1, account: 'a', status: 'removed', attrs: ['sex'], values: { sex: 'f' }, attempts: 1 }], 1);
  await one.runs.finish(runId, { status: 'completed' });
  return runId;
};

/** A second running run of this kind after `parentId`, written straight into the table on the other connection, is refused. */
function refusedPastTheStore(parentId: number, source: string, kind: string) {
  const insert = otherDb.prepare("INSERT INTO runs (created_at, source, kind, sdkappid, region, attrs, status, total, parent_run_id) VALUES ('t', ?, ?, 1, 'china', '[]', 'running', 1, ?)");
  expect(() => insert.run(source, kind, parentId)).toThrow(/UNIQUE constraint failed: runs\.parent_run_id, runs\.kind/);
  expect(file.db().prepare("SELECT kind, COUNT(*) AS n FROM runs WHERE parent_run_id = ? AND status = 'running' GROUP BY kind").all(parentId)).toEqual([{ kind, n: 1 }]);
}

describe('the second connection gets the run the first one made, and a row written past the store is refused', () => {
  it('one running removal per dry run', async () => {
    const checkId = await finished('check');
    const first = await one.runs.createFromCheck(checkId, { requestKey: 'key-one-0123456789ab', operator: 'ann' }, started);
    const second = await other.runs.createFromCheck(checkId, { requestKey: 'key-two-0123456789ab', operator: 'bob' }, started);
    expect(second).toEqual({ ok: true, runId: first.ok && first.runId, users: 1, existing: true });
    refusedPastTheStore(checkId, 'csv', 'remove');
  });

  it('one running retry per run', async () => {
    const runId = await finished('remove');
    const first = await one.runs.createRetry(runId, [], 'ann', started);
    const second = await other.runs.createRetry(runId, [], 'bob', started);
    expect(second).toEqual({ ok: true, runId: first.ok && first.runId, users: 1, existing: true });
    refusedPastTheStore(runId, 'retry', 'remove');
  });

  it('one running restore per removal', async () => {
    const runId = await finished('remove', true);
    const first = await one.runs.createRestore(runId, 'ann', started);
    const second = await other.runs.createRestore(runId, 'bob', started);
    expect(second).toEqual({ ok: true, runId: first.ok && first.runId, users: 1, existing: true });
    refusedPastTheStore(runId, 'restore', 'restore');
  });
});
