// The staging of one upload, in a worker thread with connections of its own. Its rows go into a
// scratch file as they arrive, in file order, and are sorted by user a part at a time; once the
// file has ended, the parts are merged by user and the upload's users stored in run_users a slice
// at a time, in the order of their IDs. Each index of run_users then grows at its end instead of
// taking millions of inserts at random pages. Tens of seconds of work for ten million rows, none of
// it on the thread that answers HTTP.
//
// No `import 'server-only'` here, unlike the store's other files: a thread entry is loaded by Node
// itself, where that package is its client variant and throws. Only staging.ts starts it.
import Database from 'better-sqlite3';
import { parentPort, workerData } from 'node:worker_threads';
import type { StagedRow } from '../../uploads/types';
import type { StagingReply, StagingRequest, StagingThreadOptions } from './staging-protocol';
import { groupSlice, mergeApart, SCRATCH_SCHEMA } from './staging-sql';

const options = workerData as StagingThreadOptions;
const port = parentPort!;

const db = new Database(options.databasePath);
db.pragma('busy_timeout = 5000');
// Nothing is stored under a run that is no longer arriving: each slice checks its status in its own transaction.
db.pragma('foreign_keys = OFF');
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

interface Finishing {
  group: Database.Statement;
  mergeApart: Database.Statement;
  after: string;
  users: number;
  done: number;
}

const uploadStatus = db.prepare('SELECT status FROM main.runs WHERE id = ?').pluck();
const copyUsers = db.prepare('INSERT INTO main.run_users (run_id, seq, user_id, attrs, with_picked) SELECT ?, rowid, user_id, attrs, with_picked FROM staging.users WHERE rowid > ?');
const rowsMerged = db.prepare('SELECT COALESCE(SUM(rows), 0) FROM staging.users WHERE rowid > ?').pluck();
const userAt = db.prepare('SELECT user_id FROM staging.users WHERE rowid = ?').pluck();

/** The parts, merged from the first user on; every valid ID is at least one character, so '' is before all of them. */
function startFinishing(): Finishing {
  sortBuffered();
  return { group: db.prepare(groupSlice(parts)), mergeApart: db.prepare(mergeApart(parts)), after: '', users: 0, done: 0 };
}

/**
 * The next slice: its users merged in the scratch file, then copied to run_users in one short
 * transaction on the console's database, numbered in the order of their IDs. The main thread
 * answers `next` before the thread takes the write lock again, so its own writes never wait for
 * more than one slice.
 */
function nextSlice(f: Finishing): StagingReply {
  const merged = parts === 0 ? 0 : f.group.run({ after: f.after, limit: options.sliceUsers }).changes;
  if (merged > 0) f.mergeApart.run({ from: f.users });
  const lost = db
    .transaction(() => {
      const status = uploadStatus.get(options.uploadId) as string | undefined;
      if (status !== 'uploading') return { status: status ?? null };
      if (merged > 0) copyUsers.run(options.uploadId, f.users);
      return null;
    })
    .immediate();
  if (lost) return { type: 'lost', ...lost };
  if (merged === 0) return { type: 'finished', users: f.users };
  f.done += rowsMerged.get(f.users) as number;
  f.users += merged;
  f.after = userAt.get(f.users) as string;
  return { type: 'progress', done: f.done, total: received };
}

let finishing: Finishing | null = null;

function answer(m: StagingReply): void {
  if (m.type === 'finished' || m.type === 'lost') db.close();
  port.postMessage(m);
  if (m.type === 'finished' || m.type === 'lost') port.close();
}

port.on('message', (m: StagingRequest) => {
  switch (m.type) {
    case 'rows':
      store(m.firstSeq, m.rows);
      answer({ type: 'stored' });
      return;
    case 'finish':
      finishing = startFinishing();
      answer(nextSlice(finishing));
      return;
    case 'next':
      answer(nextSlice(finishing!));
      return;
  }
});
