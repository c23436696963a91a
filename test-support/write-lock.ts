// The write lock of a SQLite file held by another connection, for tests of what waits for it.
import { Worker } from 'node:worker_threads';

/**
 * Another connection (the staging copier's, or another console process's) holds the write lock
 * for `ms`, and writes (the run's row, unchanged): resolves once it holds it, and `released` once
 * it has committed.
 */
export async function writerHolding(path: string, runId: number, ms: number): Promise<{ released: Promise<void> }> {
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
