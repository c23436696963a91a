// The merger, one of an upload's two staging threads (see staging.ts): it keeps half of the rows
// in its scratch file, sorted in parts, and once the file has ended it merges every part of both
// threads into one row per user, in the order of their IDs, a slice at a time, telling the copier
// (copier-worker.ts) how far it has come. It never writes the console's database.
//
// No `import 'server-only'` here, unlike the store's other files: a thread entry is loaded by Node
// itself, where that package is its client variant and throws. Only staging.ts starts it.
import Database from 'better-sqlite3';
import { parentPort, workerData, type MessagePort } from 'node:worker_threads';
import type { PeerMessage, StagingThreadOptions } from './staging-protocol';
import { keepRows, Scratch, SCRATCH_CACHE } from './staging-scratch';
import { groupSlice, mergeApart } from './staging-sql';

const options = workerData as StagingThreadOptions;
const port = parentPort!;

// The sorter's memory follows the main database's cache size; this thread has no other use for
// one. A few MB sort a part as fast as more, and memory a thread takes is not all given back when it ends.
const db = new Database(':memory:');
db.pragma('cache_size = -4096');
const scratch = new Scratch(db, options.scratchPath, options.partRows);

/**
 * A user's rows merged as they always were: the first row's attributes, then each later row's
 * new ones, in file order. Called only for a user whose rows name different lists.
 */
db.function('merge_attrs', { deterministic: true }, (entries: unknown) => {
  const rows = String(entries)
    .split('\n')
    .map((entry) => {
      const space = entry.indexOf(' ');
      return { seq: Number(entry.slice(0, space)), attrs: JSON.parse(entry.slice(space + 1)) as string[] };
    })
    .sort((a, b) => a.seq - b.seq);
  return JSON.stringify([...new Set(rows.flatMap((r) => r.attrs))]);
});

/**
 * Merges the parts of both threads into `users`, a slice at a time, from the first user on (every
 * valid ID is at least one character, so '' is before all of them), announcing each slice to the
 * copier, which stores them meanwhile.
 */
function merge(peer: MessagePort, theirs: { parts: number; received: number }): void {
  db.prepare('ATTACH ? AS other').run(options.peerScratchPath);
  db.pragma(`other.cache_size = ${SCRATCH_CACHE}`);
  // From here the copier reads `users` while this thread writes it.
  db.pragma('own.journal_mode = WAL');
  const parts = { own: scratch.parts, other: theirs.parts };
  const total = scratch.received + theirs.received;
  const group = db.prepare(groupSlice(parts));
  const apart = db.prepare(mergeApart(parts));
  const userAt = db.prepare('SELECT user_id FROM own.users WHERE rowid = ?').pluck();
  let after = '';
  let users = 0;
  for (;;) {
    const merged = total === 0 ? 0 : group.run({ after, limit: options.sliceUsers }).changes;
    if (merged > 0) {
      apart.run({ from: users });
      users += merged;
      after = userAt.get(users) as string;
    }
    const end = merged < options.sliceUsers;
    peer.postMessage({ type: 'merged', users, total, end } satisfies PeerMessage);
    if (end) return;
  }
}

let peer: MessagePort | null = null;
let theirs: { parts: number; received: number } | null = null;
let finishing = false;

/** Once the file has ended here and the copier's parts are sorted too. */
function mergeWhenReady(): void {
  if (!finishing || !theirs || !peer) return;
  merge(peer, theirs);
  // The copier may still be reading `users` through its own connection; the main thread ends both threads.
  db.close();
}

keepRows(port, scratch, {
  peer: (p) => {
    peer = p;
    peer.on('message', (m: PeerMessage) => {
      if (m.type !== 'parts') return;
      theirs = m;
      mergeWhenReady();
    });
  },
  ended: () => {
    finishing = true;
    mergeWhenReady();
  },
});
