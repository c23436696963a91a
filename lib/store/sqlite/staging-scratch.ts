// The rows one staging thread keeps, in its own scratch file attached as `own`: appended in file
// order as they arrive, and sorted by user a part at a time. Both of an upload's staging threads
// keep half of its rows this way, so appending and sorting go on two cores at once.
//
// No `import 'server-only'` here, unlike the store's other files: the staging threads load it, and
// in a thread that package is its client variant and throws.
import type Database from 'better-sqlite3';
import type { MessagePort } from 'node:worker_threads';
import { usersOf } from '../../uploads/staged-rows';
import type { StagedRows } from '../../uploads/types';
import type { CopierRequest, StagingReply } from './staging-protocol';
import { SCRATCH_SCHEMA } from './staging-sql';

/**
 * Pages of a scratch file kept in memory (KiB, negative): every scratch table is written and read
 * in order, so a few MB do, and the console's memory goes to the sorts instead.
 */
export const SCRATCH_CACHE = -4096;

/** Rows per INSERT: binding a hundred rows at once costs about half as much per row as one at a time. */
const ROWS_PER_INSERT = 100;
const insertValues = (n: number) => `INSERT INTO own.incoming (rowid, user_id, attrs, with_picked) VALUES ${Array.from({ length: n }, () => '(?, ?, ?, ?)').join(', ')}`;

export class Scratch {
  /** Valid rows kept so far. */
  received = 0;
  /** Parts sorted so far, numbered from 0. */
  parts = 0;
  private buffered = 0;
  private readonly insertMany: Database.Statement;
  private readonly insertOne: Database.Statement;
  private readonly sortPart: Database.Statement;
  private readonly emptyIncoming: Database.Statement;

  constructor(
    private readonly db: Database.Database,
    path: string,
    private readonly partRows: number,
  ) {
    db.prepare('ATTACH ? AS own').run(path);
    // The scratch file can be rebuilt from the upload, and is deleted if the process stops: no journal, no sync.
    db.pragma('own.journal_mode = OFF');
    db.pragma('own.synchronous = OFF');
    db.pragma(`own.cache_size = ${SCRATCH_CACHE}`);
    db.exec(SCRATCH_SCHEMA);
    this.insertMany = db.prepare(insertValues(ROWS_PER_INSERT));
    this.insertOne = db.prepare(insertValues(1));
    this.sortPart = db.prepare('INSERT INTO own.sorted (part, user_id, seq, attrs, with_picked) SELECT ?, user_id, rowid, attrs, with_picked FROM own.incoming ORDER BY user_id, rowid');
    this.emptyIncoming = db.prepare('DELETE FROM own.incoming');
  }

  /** Rows numbered from `firstSeq`, their position among the file's valid rows. */
  append(firstSeq: number, rows: StagedRows): void {
    const users = usersOf(rows);
    const valuesOf = (at: number, into: unknown[], offset: number) => {
      const attrs = rows.lists[rows.listOf[at]!]!;
      into[offset] = firstSeq + at;
      into[offset + 1] = users[at];
      into[offset + 2] = attrs;
      into[offset + 3] = attrs === '[]' ? 1 : 0;
    };
    this.db.transaction(() => {
      const values = new Array<unknown>(ROWS_PER_INSERT * 4);
      let at = 0;
      for (; at + ROWS_PER_INSERT <= users.length; at += ROWS_PER_INSERT) {
        for (let i = 0; i < ROWS_PER_INSERT; i++) valuesOf(at + i, values, i * 4);
        this.insertMany.run(values);
      }
      for (; at < users.length; at++) {
        valuesOf(at, values, 0);
        this.insertOne.run(values.slice(0, 4));
      }
    })();
    this.received += users.length;
    this.buffered += users.length;
    if (this.buffered >= this.partRows) this.sortBuffered();
  }

  /** The rows kept since the last part become a part of their own, sorted by user; a part is sorted once, in memory the size of one part. */
  sortBuffered(): void {
    if (this.buffered === 0) return;
    this.db.transaction(() => {
      this.sortPart.run(this.parts);
      // Without a WHERE, SQLite frees the table's pages at once; the next part reuses them.
      this.emptyIncoming.run();
    })();
    this.parts++;
    this.buffered = 0;
  }
}

/**
 * What both staging threads do with the main thread's messages: keep each batch of rows and say
 * so, and once the file has ended sort what is left. Meeting the other thread, what follows the
 * end, and the copier's `next` are each thread's own.
 */
export function keepRows(port: MessagePort, scratch: Scratch, own: { peer: (peer: MessagePort) => void; ended: () => void; next?: () => void }): void {
  port.on('message', (m: CopierRequest) => {
    switch (m.type) {
      case 'peer':
        own.peer(m.port);
        return;
      case 'rows':
        scratch.append(m.firstSeq, m.rows);
        port.postMessage({ type: 'stored' } satisfies StagingReply);
        return;
      case 'finish':
        scratch.sortBuffered();
        own.ended();
        return;
      case 'next':
        own.next?.();
        return;
    }
  });
}
