// The copier of one upload, a worker thread with its own connection to the console's database:
// it stores the users the stager (stager-worker.ts) has merged in run_users, a slice per short
// transaction, numbered in the order of their IDs, while the stager merges the next ones. Every
// index of run_users then grows at its end instead of taking millions of inserts at random pages.
//
// No `import 'server-only'` here, unlike the store's other files: a thread entry is loaded by Node
// itself, where that package is its client variant and throws. Only staging.ts starts it.
import Database from 'better-sqlite3';
import { parentPort, workerData } from 'node:worker_threads';
import type { CopierReply, CopierRequest, MergedUsers, StagingThreadOptions } from './staging-protocol';

const options = workerData as StagingThreadOptions;
const port = parentPort!;

/** Opened at the first slice, once the stager has made the scratch file one that can be read while it writes. */
let opened: { db: Database.Database; slice: (from: number, to: number) => number | null } | null = null;

function open(): NonNullable<typeof opened> {
  const db = new Database(options.databasePath);
  db.pragma('busy_timeout = 5000');
  // Nothing is stored under a run that is no longer arriving: each slice checks its status in its own transaction.
  db.pragma('foreign_keys = OFF');
  db.pragma('cache_size = -16384');
  db.prepare('ATTACH ? AS staging').run(options.scratchPath);
  const rowsIn = db.prepare('SELECT COALESCE(SUM(rows), 0) FROM staging.users WHERE rowid > ? AND rowid <= ?').pluck();
  const record = db.prepare("UPDATE main.runs SET finish_done = ?, finish_total = ? WHERE id = ? AND status = 'uploading'");
  const copy = db.prepare('INSERT INTO main.run_users (run_id, seq, user_id, attrs, with_picked) SELECT ?, rowid, user_id, attrs, with_picked FROM staging.users WHERE rowid > ? AND rowid <= ?');
  // A write first: the transaction takes the console database's write lock before it reads it, and never the scratch file's.
  const slice = db.transaction((from: number, to: number, done: number, total: number) => {
    if (record.run(done, total, options.uploadId).changes === 0) return false;
    copy.run(options.uploadId, from, to);
    return true;
  });
  return {
    db,
    slice: (from, to) => {
      const rows = rowsIn.get(from, to) as number;
      return slice(from, to, done + rows, merged.total) ? rows : null;
    },
  };
}

const statusOf = (db: Database.Database) => db.prepare('SELECT status FROM main.runs WHERE id = ?').pluck().get(options.uploadId) as string | undefined;

let merged: MergedUsers = { type: 'merged', users: 0, total: 0, end: false };
let copied = 0;
let done = 0;
/** A slice was reported and the main thread has not answered it yet. */
let reported = false;
/** Finished or lost: nothing more to say. */
let over = false;

function reply(m: CopierReply): void {
  over = m.type !== 'progress';
  port.postMessage(m);
}

function pump(): void {
  if (reported || over) return;
  if (copied < merged.users) {
    opened ??= open();
    const to = Math.min(merged.users, copied + options.sliceUsers);
    const rows = opened.slice(copied, to);
    if (rows === null) {
      reply({ type: 'lost', status: statusOf(opened.db) ?? null });
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

port.on('message', (m: CopierRequest) => {
  if (m.type === 'next') {
    reported = false;
    pump();
    return;
  }
  m.port.on('message', (next: MergedUsers) => {
    merged = next;
    pump();
  });
});
