import { afterEach, beforeEach, expect, it } from 'vitest';
import type { Store } from '../store';
import { freshPostgres, type FreshPostgres } from './test-database';

let db: FreshPostgres;
beforeEach(async () => {
  db = await freshPostgres({ pool: 2 });
});
afterEach(() => db.dispose());

const users = Array.from({ length: 40 }, (_, i) => ({ account: `u${i}`, attrs: ['sex'] }));

/** A run of forty users, whose lanes the tests let loose at once. */
async function runOfForty(store: Store): Promise<number> {
  const { runId } = await store.runs.create(
    { source: 'csv', appId: 'default', sdkAppId: 1400000000, region: 'china', operator: 'ann', users },
    { operator: 'ann', clientIp: null, action: 'run-started' },
  );
  return runId;
}

it('lets a ping through while the lanes of one run queue their batches: they take turns before taking a connection', async () => {
  const store = db.open();
  const runId = await runOfForty(store);
  let recorded = 0;
  // Each in a second of its own, so no two go as one statement (run-turns.ts): forty writes queue.
  const batches = users.map((u, i) =>
    store.runs.recordOutcomes(runId, [{ seq: i + 1, account: u.account, status: 'removed', attempts: 1 }], 1, Date.now() - 60_000 + i * 1_000).then(() => void recorded++),
  );
  await store.ping();
  const recordedAtPing = recorded;
  await Promise.all(batches);
  // In the pool's order, a ping asked after forty writes would wait for most of them.
  expect(recordedAtPing).toBeLessThan(10);
  expect(await store.runs.get(runId)).toMatchObject({ succeeded: 40, pending: 0 });
});

it('lets a ping through while a run’s lanes write their snapshots at once: passes hold at most the pool less three connections', async () => {
  const pooled = await freshPostgres({ pool: 4 });
  try {
    const store = pooled.open();
    const runId = await runOfForty(store);
    // The pool's four connections open first, so the ping below waits for none to be made, only
    // for one to be free.
    await Promise.all(Array.from({ length: 4 }, () => store.ping()));
    let kept = 0;
    const snapshots = users.map((_, i) => store.runs.keepValues(runId, [{ seq: i + 1, values: { sex: 'f' } }]).then(() => void kept++));
    await store.ping();
    const keptAtPing = kept;
    await Promise.all(snapshots);
    // Snapshots take no turn, so without the limit all four connections would be theirs, and a
    // ping asked after forty would wait for most of them.
    expect(keptAtPing).toBeLessThan(10);
    expect(kept).toBe(40);
  } finally {
    await pooled.dispose();
  }
});
