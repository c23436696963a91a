import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { afterEach, beforeEach, expect, it } from 'vitest';
import type { Store } from '../store';
import { by, run } from '../contract/fixtures';
import { openDatabase } from './database';
import { openSqliteStore } from './store';

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

/**
 * Another connection (the staging copier's, or another console process's) holds the write lock
 * for `ms`, and writes (the run's row, unchanged): resolves once it holds it, and `released` once
 * it has committed.
 */
async function writerHolding(runId: number, ms: number): Promise<{ released: Promise<void> }> {
  const worker = new Worker(
    `const { workerData, parentPort } = require('node:worker_threads');
     const db = new (require('better-sqlite3'))(workerData.path);
     db.pragma('busy_timeout = 5000');
     db.exec('BEGIN IMMEDIATE');
     db.prepare('UPDATE runs SET requests = requests WHERE id = ?').run(workerData.runId);
     parentPort.postMessage('held');
     Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, workerData.ms);
     db.exec('COMMIT');
     db.close();`,
    { eval: true, workerData: { path, ms, runId } },
  );
  await new Promise((resolve, reject) => worker.once('message', resolve).once('error', reject));
  return { released: new Promise((resolve, reject) => worker.once('exit', () => resolve()).once('error', reject)) };
}

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
    const other = await writerHolding(runId, 150);
    await write().catch((err: Error) => {
      throw new Error(`${name}: ${err.message}`);
    });
    await other.released;
  }
  expect(await store.runs.get(runId)).toMatchObject({ status: 'cancelled', succeeded: 1, notSent: 2 });
  expect(await store.uploads.countRows(discarded)).toBe(0);
});
