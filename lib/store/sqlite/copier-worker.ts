// The copier, one of an upload's two staging threads (see staging.ts): it keeps half of the rows
// in its scratch file, sorted in parts, and once the file has ended it stores the users the merger
// (merger-worker.ts) has merged in run_users, a slice per short transaction, numbered in the order
// of their IDs, while the merger merges the next ones. Every index of run_users then grows at its
// end instead of taking millions of inserts at random pages.
//
// No `import 'server-only'` here, unlike the store's other files: a thread entry is loaded by Node
// itself, where that package is its client variant and throws. Only staging.ts starts it.
import Database from 'better-sqlite3';
import { parentPort, workerData, type MessagePort } from 'node:worker_threads';
import type { PeerMessage, StagingReply, StagingThreadOptions } from './staging-protocol';
import { keepRows, Scratch, SCRATCH_CACHE } from './staging-scratch';

const options = workerData as StagingThreadOptions;
const port = parentPort!;

const db = new Database(options.databasePath);
db.pragma('busy_timeout = 5000');
// Nothing is stored under a run that is no longer arriving: each slice checks its status in its own transaction.
db.pragma('foreign_keys = OFF');
// run_users only grows at its ends here, and memory a thread takes is not all given back when it ends: a few MB do.
db.pragma('cache_size = -4096');
const scratch = new Scratch(db, options.scratchPath, options.partRows);

/** The merger's `users`, readable while it writes them once it has made its file a WAL one, before its first `merged`. */
function attachMerged() {
  db.prepare('ATTACH ? AS merged').run(options.peerScratchPath);
  db.pragma(`merged.cache_size = ${SCRATCH_CACHE}`);
  const rowsIn = db.prepare('SELECT COALESCE(SUM(rows), 0) FROM merged.users WHERE rowid > ? AND rowid <= ?').pluck();
  const record = db.prepare("UPDATE main.runs SET finish_done = ?, finish_total = ? WHERE id = ? AND status = 'uploading'");
  const copy = db.prepare('INSERT INTO main.run_users (run_id, seq, user_id, attrs, with_picked) SELECT ?, rowid, user_id, attrs, with_picked FROM merged.users WHERE rowid > ? AND rowid <= ?');
  // A write first: the transaction takes the console database's write lock before it reads it.
  const slice = db.transaction((from: number, to: number, done: number, total: number) => {
    if (record.run(done, total, options.uploadId).changes === 0) return false;
    copy.run(options.uploadId, from, to);
    return true;
  });
  return (from: number, to: number, doneBefore: number, total: number): number | null => {
    const rows = rowsIn.get(from, to) as number;
    return slice(from, to, doneBefore + rows, total) ? rows : null;
  };
}

let copySlice: ReturnType<typeof attachMerged> | null = null;
let merged: Extract<PeerMessage, { type: 'merged' }> = { type: 'merged', users: 0, total: 0, end: false };
let copied = 0;
let done = 0;
/** A slice was reported and the main thread has not answered it yet. */
let reported = false;
/** Finished or lost: nothing more to say. */
let over = false;

function reply(m: StagingReply): void {
  over = m.type === 'finished' || m.type === 'lost';
  // Closed here rather than left to the thread's end: memory SQLite holds is only given back by a close.
  if (over) db.close();
  port.postMessage(m);
}

function pump(): void {
  if (reported || over) return;
  if (copied < merged.users) {
    copySlice ??= attachMerged();
    const to = Math.min(merged.users, copied + options.sliceUsers);
    const rows = copySlice(copied, to, done, merged.total);
    if (rows === null) {
      const status = db.prepare('SELECT status FROM main.runs WHERE id = ?').pluck().get(options.uploadId) as string | undefined;
      reply({ type: 'lost', status: status ?? null });
      return;
    }
    copied = to;
    done += rows;
    reported = true;
    reply({ type: 'progress', done, total: merged.total });
    return;
  }
  if (merged.end) reply({ type: 'finished', users: copied });
}

let peer: MessagePort | null = null;

keepRows(port, scratch, {
  peer: (p) => {
    peer = p;
    peer.on('message', (m: PeerMessage) => {
      if (m.type !== 'merged') return;
      merged = m;
      pump();
    });
  },
  ended: () => peer!.postMessage({ type: 'parts', parts: scratch.parts, received: scratch.received } satisfies PeerMessage),
  next: () => {
    reported = false;
    pump();
  },
});
