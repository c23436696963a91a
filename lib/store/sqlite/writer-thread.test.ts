import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { LeaseLost } from '../../lease/fence';
import type { Store } from '../store';
import { by, run } from '../contract/fixtures';
import { openSqliteStore } from './store';
import { writerHolding } from '../../../test-support/write-lock';

let dir: string;
let path: string;
let store: Store;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'writer-thread-test-'));
  path = join(dir, 'console.db');
  store = openSqliteStore(path);
});
afterEach(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

async function removalOfCheck(users: number): Promise<number> {
  const ids = Array.from({ length: users }, (_, i) => `user${i}`);
  const { runId: checkId } = await store.runs.create({ ...run(ids), kind: 'check' }, { ...by, action: 'check-started' });
  await store.runs.finish(checkId, { status: 'completed' });
  const entry = (id: number, n: number) => ({ ...by, action: 'run-started' as const, runId: id, detail: { source: 'check' as const, checkRunId: checkId, users: n } });
  const removal = await store.runs.createFromCheck(checkId, { requestKey: 'key-thread-0123456789', operator: 'ann' }, entry);
  if (!removal.ok) throw new Error(removal.refusal);
  return removal.runId;
}

/** Turns of the event loop while `work` is pending: none when it ran on the main thread before it returned. */
async function turnsDuring(work: () => Promise<unknown>): Promise<number> {
  let turns = 0;
  let pending = true;
  const spin = (async () => {
    while (pending) {
      await new Promise((resolve) => setImmediate(resolve));
      turns++;
    }
  })();
  await work();
  pending = false;
  await spin;
  return turns;
}

it("copies a run's users on a thread of its own: the main thread's event loop turns while a slice is copied", async () => {
  const removalId = await removalOfCheck(100_000);
  const turns = await turnsDuring(() => store.runs.copyUsers(removalId, 100_000));
  expect(turns).toBeGreaterThan(10);
  expect((await store.runs.get(removalId))?.total).toBe(100_000);
  expect(await store.runs.copyUsers(removalId, 100_000)).toEqual({ done: true });
  expect((await store.runs.pendingTargets(removalId, 99_998, 10)).map((t) => t.account)).toEqual(['user99998', 'user99999']);
}, 60_000);

it('answers every slice of copies asked at once, each after its own', async () => {
  const removalId = await removalOfCheck(1_000);
  const answers = await Promise.all([store.runs.copyUsers(removalId, 300), store.runs.copyUsers(removalId, 300), store.runs.copyUsers(removalId, 300), store.runs.copyUsers(removalId, 300)]);
  expect(answers).toEqual([{ done: false }, { done: false }, { done: false }, { done: true }]);
  expect((await store.runs.users(removalId, { limit: 2_000 })).map((u) => u.seq)).toEqual(Array.from({ length: 1_000 }, (_, i) => i + 1));
});

it("writes a batch's outcomes and a removal's snapshot on the writer thread: the event loop turns while they wait for another connection's write", async () => {
  const { runId } = await store.runs.create(run(['a', 'b']), { ...by, action: 'run-started' });
  const writes = [
    () => store.runs.keepValues(runId, [{ seq: 1, values: { sex: 'f' } }]),
    () => store.runs.recordOutcomes(runId, [{ seq: 1, account: 'a', status: 'removed', attempts: 1, values: { sex: 'f' }, valuesKept: true, attrs: ['sex'] }], 1),
    () => store.runs.fenced({ scope: 'database', holder: 'nobody' }).recordOutcomes(runId, [{ seq: 2, account: 'b', status: 'removed', attempts: 1 }], 1),
  ];
  const turns: number[] = [];
  for (const write of writes.slice(0, 2)) {
    const other = await writerHolding(path, runId, 300);
    turns.push(await turnsDuring(write));
    await other.released;
  }
  expect(turns.every((t) => t > 10), `turns: ${turns.join(', ')}`).toBe(true);
  await expect(writes[2]!()).rejects.toBeInstanceOf(LeaseLost);
  expect(await store.runs.get(runId)).toMatchObject({ succeeded: 1, requests: 1 });
  expect((await store.runs.users(runId, { limit: 2 })).map((u) => [u.result, u.values])).toEqual([
    ['removed', { sex: 'f' }],
    ['pending', null],
  ]);
});
