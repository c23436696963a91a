import { afterEach, beforeEach, expect, it } from 'vitest';
import type { Store } from '../store';
import { freshPostgres, type FreshPostgres } from './test-database';

let db: FreshPostgres;
let store: Store;
beforeEach(async () => {
  db = await freshPostgres();
  store = db.open();
});
afterEach(() => db.dispose());

it('keeps the names of a user’s values in the order they were recorded, as the run page and the export show them', async () => {
  const { runId } = await store.runs.create(
    { source: 'form', appId: 'default', sdkAppId: 1400000000, region: 'china', operator: 'ann', users: [{ account: 'a', attrs: ['zone', 'city', 'age'] }] },
    { operator: 'ann', clientIp: null, action: 'run-started' },
  );
  const values = { zone: 'x', city: 'shanghai', age: '30' };
  await store.runs.keepValues(runId, [{ seq: 1, values }]);
  expect(Object.keys((await store.runs.pendingTargets(runId, 0, 1))[0]!.values!)).toEqual(['zone', 'city', 'age']);
  await store.runs.recordOutcomes(runId, [{ seq: 1, account: 'a', status: 'removed', attrs: ['zone', 'city', 'age'], values, valuesKept: true, attempts: 1 }], 1);
  expect(Object.keys((await store.runs.users(runId, { limit: 1 }))[0]!.values!)).toEqual(['zone', 'city', 'age']);
  expect(Object.keys((await store.runs.findUser('a'))[0]!.user.values!)).toEqual(['zone', 'city', 'age']);
});
