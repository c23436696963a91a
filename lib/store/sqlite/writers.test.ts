import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import type { Store } from '../store';
import { by, run } from '../contract/fixtures';
import { openDatabase } from './database';
import { openSqliteStore } from './store';
import { writerHolding } from '../../../test-support/write-lock';

let dir: string;
let path: string;
let store: Store;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'writers-test-'));
  path = join(dir, 'console.db');
  store = openSqliteStore(path);
});
afterEach(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

// A write that reads first in a deferred transaction cannot wait for another writer: SQLite
// refuses to upgrade its read to a write at once ("database is locked"), whatever the busy
// timeout. Each takes the write lock when it begins, and so waits its turn.
it('waits for another connection’s write instead of failing: outcomes, values kept, a cancel, a finish, a discarded upload’s rows', async () => {
  const { runId } = await store.runs.create(run(['a', 'b', 'c']), { ...by, action: 'run-started' });
  const { runId: discarded } = await store.runs.create(run(['d', 'e']), { ...by, action: 'run-started' });
  const raw = openDatabase(path);
  raw.prepare("UPDATE runs SET status = 'discarding' WHERE id = ?").run(discarded);
  raw.close();
  const writes: [string, () => Promise<unknown>][] = [
    ['deleteDiscarded', () => store.uploads.deleteDiscarded(discarded)],
    ['keepValues', () => store.runs.keepValues(runId, [{ seq: 1, values: { sex: 'f' } }])],
    ['recordOutcomes', () => store.runs.recordOutcomes(runId, [{ seq: 1, account: 'a', status: 'removed', attempts: 1 }], 1)],
    ['requestCancel', () => store.runs.requestCancel(runId, { ...by, action: 'run-cancelled' })],
    ['finish', () => store.runs.finish(runId, { status: 'cancelled' })],
  ];
  for (const [name, write] of writes) {
    const other = await writerHolding(path, runId, 150);
    await write().catch((err: Error) => {
      throw new Error(`${name}: ${err.message}`);
    });
    await other.released;
  }
  expect(await store.runs.get(runId)).toMatchObject({ status: 'cancelled', succeeded: 1, notSent: 2 });
  expect(await store.uploads.countRows(discarded)).toBe(0);
});
