// The stager of one upload, a worker thread with its own connection to the upload's scratch file:
// its rows go in as they arrive, in file order, and are sorted by user a part at a time; once the
// file has ended, it merges the parts into one row per user, in the order of their IDs, a slice at
// a time, and tells the copier (copier-worker.ts) how far it has come. It never writes the
// console's database, so it takes none of its locks.
//
// No `import 'server-only'` here, unlike the store's other files: a thread entry is loaded by Node
// itself, where that package is its client variant and throws. Only staging.ts starts it.
import Database from 'better-sqlite3';
import { parentPort, workerData, type MessagePort } from 'node:worker_threads';
import type { StagedRow } from '../../uploads/types';
import type { MergedUsers, StagerReply, StagerRequest, StagingThreadOptions } from './staging-protocol';
import { groupSlice, mergeApart, SCRATCH_SCHEMA } from './staging-sql';

const options = workerData as StagingThreadOptions;
const port = parentPort!;

// The scratch file under the name the copier also gives it; the sorter's memory follows the main database's cache size.
const db = new Database(':memory:');
db.pragma('cache_size = -16384');
db.prepare('ATTACH ? AS staging').run(options.scratchPath);
// The scratch file can be rebuilt from the upload, and is deleted if the process stops: no journal, no sync.
db.pragma('staging.journal_mode = OFF');
db.pragma('staging.synchronous = OFF');
db.exec(SCRATCH_SCHEMA);

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

/** Rows per INSERT: binding a hundred rows at once costs about half as much per row as one at a time. */
const ROWS_PER_INSERT = 100;
const insertValues = (n: number) => `INSERT INTO staging.incoming (rowid, user_id, attrs, with_picked) VALUES ${Array.from({ length: n }, () => '(?, ?, ?, ?)').join(', ')}`;
const insertMany = db.prepare(insertValues(ROWS_PER_INSERT));
const insertOne = db.prepare(insertValues(1));
const sortPart = db.prepare('INSERT INTO staging.sorted (part, user_id, seq, attrs, with_picked) SELECT ?, user_id, rowid, attrs, with_picked FROM staging.incoming ORDER BY user_id, rowid');
const emptyIncoming = db.prepare('DELETE FROM staging.incoming');
const userAt = db.prepare('SELECT user_id FROM staging.users WHERE rowid = ?').pluck();

let received = 0;
let buffered = 0;
let parts = 0;

function store(firstSeq: number, rows: readonly StagedRow[]): void {
  // Rows of one batch share the arrays of the lists they name.
  const json = new Map<readonly string[], string>();
  const valuesOf = (at: number, into: unknown[], offset: number) => {
    const row = rows[at]!;
    let attrs = json.get(row.attrs);
    if (attrs === undefined) json.set(row.attrs, (attrs = JSON.stringify(row.attrs)));
    into[offset] = firstSeq + at;
    into[offset + 1] = row.account;
    into[offset + 2] = attrs;
    into[offset + 3] = row.withPicked ? 1 : 0;
  };
  db.transaction(() => {
    const values = new Array<unknown>(ROWS_PER_INSERT * 4);
    let at = 0;
    for (; at + ROWS_PER_INSERT <= rows.length; at += ROWS_PER_INSERT) {
      for (let i = 0; i < ROWS_PER_INSERT; i++) valuesOf(at + i, values, i * 4);
      insertMany.run(values);
    }
    for (; at < rows.length; at++) {
      valuesOf(at, values, 0);
      insertOne.run(values.slice(0, 4));
    }
  })();
  received += rows.length;
  buffered += rows.length;
  if (buffered >= options.partRows) sortBuffered();
}

/** The rows received since the last part become a part of their own, sorted by user; a part is sorted once, in memory the size of one part. */
function sortBuffered(): void {
  if (buffered === 0) return;
  db.transaction(() => {
    sortPart.run(parts);
    // Without a WHERE, SQLite frees the table's pages at once; the next part reuses them.
    emptyIncoming.run();
  })();
  parts++;
  buffered = 0;
}

/**
 * Merges every part into `users`, a slice at a time, from the first user on (every valid ID is
 * at least one character, so '' is before all of them), announcing each slice to the copier,
 * which stores them meanwhile.
 */
function merge(copier: MessagePort): void {
  sortBuffered();
  // From here the copier reads `users` while this thread writes it.
  db.pragma('staging.journal_mode = WAL');
  const group = db.prepare(groupSlice(parts));
  const apart = db.prepare(mergeApart(parts));
  let after = '';
  let users = 0;
  for (;;) {
    const merged = parts === 0 ? 0 : group.run({ after, limit: options.sliceUsers }).changes;
    if (merged > 0) {
      apart.run({ from: users });
      users += merged;
      after = userAt.get(users) as string;
    }
    const end = merged < options.sliceUsers;
    copier.postMessage({ type: 'merged', users, total: received, end } satisfies MergedUsers);
    if (end) return;
  }
}

let copier: MessagePort | null = null;

port.on('message', (m: StagerRequest) => {
  switch (m.type) {
    case 'copier':
      copier = m.port;
      return;
    case 'rows':
      store(m.firstSeq, m.rows);
      port.postMessage({ type: 'stored' } satisfies StagerReply);
      return;
    case 'finish':
      merge(copier!);
      // The copier may still be reading the scratch file through its own connection; the main thread ends both threads.
      db.close();
      return;
  }
});
