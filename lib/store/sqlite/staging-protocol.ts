import type { MessagePort } from 'node:worker_threads';
import type { StagedRow } from '../../uploads/types';

/** What an upload's two staging threads are started with: the upload, its scratch file, and how they slice their work. */
export interface StagingThreadOptions {
  databasePath: string;
  scratchPath: string;
  uploadId: number;
  /** Rows sorted together while the file arrives; the last, partial part is sorted once it has ended. */
  partRows: number;
  /** Users merged, and users stored, per slice once the file has ended: bounds how long one slice holds a write lock. */
  sliceUsers: number;
}

/** To the stager, the thread that keeps the rows, sorts them in parts and, at the end, merges them by user. */
export type StagerRequest =
  /** Where to announce each slice of merged users, once merging. */
  | { type: 'copier'; port: MessagePort }
  | { type: 'rows'; firstSeq: number; rows: readonly StagedRow[] }
  /** The file has ended: merge. */
  | { type: 'finish' };

export type StagerReply = { type: 'stored' };

/** From the stager to the copier: users merged so far (rowids of the scratch file's `users`), of `total` valid rows; `end` once all are. */
export type MergedUsers = { type: 'merged'; users: number; total: number; end: boolean };

/** To the copier, the thread that stores the merged users in run_users. */
export type CopierRequest =
  | { type: 'stager'; port: MessagePort }
  /** The slice announced by the last `progress` is seen; the copier may take the write lock again. */
  | { type: 'next' };

export type CopierReply =
  /** One slice of users is stored, with how many of the valid rows it accounts for; the copier waits for `next`. */
  | { type: 'progress'; done: number; total: number }
  | { type: 'finished'; users: number }
  /** The upload stopped being one that is arriving (discarded): nothing more was stored. */
  | { type: 'lost'; status: string | null };
