// The writer thread: a pass's writes to its run, on a connection of its own. They are the
// copy of a run's users from the run it was made from, a slice per request, each batch's
// outcomes, and a removal's snapshot before its call. On the main thread they took about 30 s of
// a million-user restore's 100 s, in turns the lanes' replies waited behind, and every permit of
// the budget is held until a second after its reply is read. Here the main thread waits only
// when it writes itself while one of these holds the lock.
//
// No `import 'server-only'` here, unlike the store's other files: a thread entry is loaded by Node
// itself, where that package is its client variant and throws. Only writer-thread.ts starts it.
import Database from 'better-sqlite3';
import { parentPort, workerData } from 'node:worker_threads';
import { keepValues, recordOutcomes } from './batch-writes';
import { copyUsersSlice, fenceHeld } from './copy-sql';
import type { WriteReply, WriteRequest } from './writer-protocol';

const port = parentPort!;
const db = new Database((workerData as { databasePath: string }).databasePath);
db.pragma('busy_timeout = 5000');
db.pragma('foreign_keys = ON');
// A slice reads a few hundred rows at the parent's end and writes them at the run's; a batch, a hundred rows.
db.pragma('cache_size = -4096');

const LOST = Symbol('lost');

// The fence is checked in the write's own transaction, as every fenced write of the store does (lease.ts).
const write = db.transaction((r: WriteRequest): { done: boolean } | undefined | typeof LOST => {
  if (r.fence && !fenceHeld(db, r.fence, Date.now())) return LOST;
  switch (r.op) {
    case 'copy':
      return copyUsersSlice(db, r.runId, r.slice);
    case 'outcomes':
      recordOutcomes(db, r.runId, r.outcomes, r.requests, r.atMs);
      return undefined;
    case 'keep':
      keepValues(db, r.runId, r.kept);
      return undefined;
  }
});

port.on('message', (r: WriteRequest) => {
  let reply: WriteReply;
  try {
    const value = write.immediate(r);
    reply = value === LOST ? { id: r.id, lost: true } : { id: r.id, value };
  } catch (err) {
    reply = { id: r.id, error: err instanceof Error ? err.message : String(err) };
  }
  port.postMessage(reply);
});
