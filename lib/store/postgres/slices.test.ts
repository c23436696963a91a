import { afterEach, beforeEach, expect, it } from 'vitest';
import type pg from 'pg';
import type { Store } from '../store';
import { tx } from './database';
import { createRetryRun, finishRun } from './runs';
import { freshPostgres, type FreshPostgres } from './test-database';

/** Changes that cover all of a run's users go a slice of seqs per statement: here three, so ten users take four. */
let db: FreshPostgres;
let store: Store;
let pool: pg.Pool;
beforeEach(async () => {
  db = await freshPostgres();
  store = db.open();
  pool = db.pool();
});
afterEach(() => db.dispose());

it('closes a run and copies its retry a slice at a time, counting every user once, in order', async () => {
  const ids = Array.from({ length: 10 }, (_, i) => `u${i + 1}`);
  const { runId } = await store.runs.create(
    { source: 'csv', appId: 'default', sdkAppId: 1400000000, region: 'china', operator: 'ann', users: ids.map((account) => ({ account, attrs: ['sex'] })) },
    { operator: 'ann', clientIp: null, action: 'run-started' },
  );
  const failure = (key: string) => ({ key, code: 1, info: key, handling: 'retry' as const });
  await store.runs.recordOutcomes(
    runId,
    [
      { seq: 2, account: 'u2', status: 'removed', attempts: 1 },
      { seq: 5, account: 'u5', status: 'removed', attempts: 1 },
      { seq: 7, account: 'u7', status: 'failed', failure: failure('x'), attempts: 1 },
      { seq: 9, account: 'u9', status: 'failed', failure: failure('y'), attempts: 1 },
    ],
    1,
  );
  expect(await tx(pool, (c) => finishRun(c, runId, { status: 'cancelled' }, 3))).toBe('cancelled');
  expect(await store.runs.get(runId)).toMatchObject({ succeeded: 2, failed: 2, notSent: 6, pending: 0 });

  const retry = await tx(pool, (c) => createRetryRun(c, runId, ['x'], { operator: 'ann' }, 3));
  expect(retry).toMatchObject({ ok: true, users: 7, existing: false });
  const retryId = retry.ok ? retry.runId : 0;
  expect(await store.runs.get(retryId)).toMatchObject({ total: 7, pending: 7 });
  expect((await store.runs.users(retryId, { limit: 20 })).map((u) => [u.seq, u.userId])).toEqual(
    ['u1', 'u3', 'u4', 'u6', 'u7', 'u8', 'u10'].map((userId, i) => [i + 1, userId]),
  );
});
