import type { MessagePort } from 'node:worker_threads';
import type { StagedRows } from '../../uploads/types';

/** What an upload's two staging threads are started with: the upload, their scratch files, and how they slice their work. */
export interface StagingThreadOptions {
  databasePath: string;
  /** This thread's scratch file. */
  scratchPath: string;
  /** The other staging thread's. */
  peerScratchPath: string;
  uploadId: number;
  /** Rows a thread sorts together while the file arrives; its last, partial part is sorted once the file has ended. */
  partRows: number;
  /** Users merged, and users stored, per slice once the file has ended: bounds how long one slice holds a write lock. */
  sliceUsers: number;
}

/** To either staging thread: each keeps the rows it is given and sorts them in parts. */
export type StagingRequest =
  /** The other staging thread. */
  | { type: 'peer'; port: MessagePort }
  | { type: 'rows'; firstSeq: number; rows: StagedRows }
  /** The file has ended. */
  | { type: 'finish' };

/** The copier also hears that the slice announced by its last `progress` is seen: it may take the write lock again. */
export type CopierRequest = StagingRequest | { type: 'next' };

export type StagingReply =
  | { type: 'stored' }
  /** From the copier: one slice of users is stored, with how many of the valid rows it accounts for; it waits for `next`. */
  | { type: 'progress'; done: number; total: number }
  | { type: 'finished'; users: number }
  /** The upload stopped being one that is arriving (discarded): nothing more was stored. */
  | { type: 'lost'; status: string | null };

/** Between the two: the copier's own parts, once sorted, then the merger's progress through all of them. */
export type PeerMessage =
  | { type: 'parts'; parts: number; received: number }
  /** Users merged so far (rowids of the merger's `users`), of `total` valid rows; `end` once all are. */
  | { type: 'merged'; users: number; total: number; end: boolean };
