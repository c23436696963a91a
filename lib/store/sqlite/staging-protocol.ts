import type { StagedRow } from '../../uploads/types';

/** What a staging thread is started with: one upload, its scratch file, and how it slices its work. */
export interface StagingThreadOptions {
  databasePath: string;
  scratchPath: string;
  uploadId: number;
  /** Rows sorted together while the file arrives; the last, partial part is sorted once it has ended. */
  partRows: number;
  /** Users merged and stored per slice once the file has ended: bounds how long one slice holds the database's write lock. */
  sliceUsers: number;
}

export type StagingRequest =
  | { type: 'rows'; firstSeq: number; rows: readonly StagedRow[] }
  | { type: 'finish' }
  /** The slice announced by the last `progress` is recorded; the thread may take the write lock again. */
  | { type: 'next' };

export type StagingReply =
  | { type: 'stored' }
  /** One slice of users is stored; the thread waits for `next`. `done` of `total` valid rows are merged and stored. */
  | { type: 'progress'; done: number; total: number }
  | { type: 'finished'; users: number }
  /** The upload stopped being one that is arriving (discarded): nothing more was stored. */
  | { type: 'lost'; status: string | null };
