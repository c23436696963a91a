// The copy thread: a run's users copied from the run it was made from, a slice per request, on a
// connection of its own. On the main thread a restore's copy took a tenth of it, in turns the
// lanes' replies waited behind, and every permit of the budget is held until a second after its
// reply is read. Here the main thread waits only when it writes while a slice holds the lock.
//
// No `import 'server-only'` here, unlike the store's other files: a thread entry is loaded by Node
// itself, where that package is its client variant and throws. Only writer-thread.ts starts it.
import Database from 'better-sqlite3';
import { parentPort, workerData } from 'node:worker_threads';
import { copyUsersSlice, fenceHeld, type CopyReply, type CopyRequest } from './copy-sql';

const port = parentPort!;
const db = new Database((workerData as { databasePath: string }).databasePath);
db.pragma('busy_timeout = 5000');
db.pragma('foreign_keys = ON');
// A slice reads a few hundred rows at the parent's end and writes them at the run's.
db.pragma('cache_size = -4096');

// The fence is checked in the slice's own transaction, as every fenced write of the store does (lease.ts).
const slice = db.transaction((r: CopyRequest): Omit<CopyReply, 'id'> => {
  if (r.fence && !fenceHeld(db, r.fence, Date.now())) return { lost: true };
  return copyUsersSlice(db, r.runId, r.slice);
});

port.on('message', (r: CopyRequest) => {
  let reply: CopyReply;
  try {
    reply = { id: r.id, ...slice.immediate(r) } as CopyReply;
  } catch (err) {
    reply = { id: r.id, error: err instanceof Error ? err.message : String(err) };
  }
  port.postMessage(reply);
});
