import { afterEach, beforeEach, expect, it } from 'vitest';
import { freshPostgres, type FreshPostgres } from './test-database';

let db: FreshPostgres;
beforeEach(async () => {
  db = await freshPostgres({ pool: 2 });
});
afterEach(() => db.dispose());

it('lets a ping through while the lanes of one run queue their batches: they take turns before taking a connection', async () => {
  const store = db.open();
  const users = Array.from({ length: 40 }, (_, i) => ({ account: `u${i}`, attrs: ['sex'] }));
  const { runId } = await store.runs.create(
    { source: 'csv', appId: 'default', sdkAppId: 1400000000, region: 'china', operator: 'ann', users },
    { operator: 'ann', clientIp: null, action: 'run-started' },
  );
  let recorded = 0;
  // Each in a second of its own, so no two go as one statement (run-turns.ts): forty writes queue.
  const batches = users.map((u, i) =>
    store.runs.recordOutcomes(runId, [{ seq: i + 1, account: u.account, status: 'removed', attempts: 1 }], 1, Date.now() - 60_000 + i * 1_000).then(() => void recorded++),
  );
  await store.ping();
  // In the pool's order, a ping asked after forty writes would wait for most of them.
  expect(recorded).toBeLessThan(10);
  await Promise.all(batches);
  expect(await store.runs.get(runId)).toMatchObject({ succeeded: 40, pending: 0 });
});
