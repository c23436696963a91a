import type { AttrSet } from '../csv/validate';
import type { UploadStatus } from '../runs/state-machine';

export interface NewUpload {
  appId: string;
  sdkAppId: number;
  region: string;
  operator: string;
  fileName: string;
}

/**
 * Valid rows of a file, in file order, as the CSV thread hands them on and a store appends them:
 * packed (staged-rows.ts), so thousands cross between threads as a few strings. `users` are
 * joined by U+001E, which no valid ID holds; `lists` are the JSON of the distinct lists of
 * attributes the rows name, and `listOf` the index in `lists` of each row's. A row whose list is
 * empty takes the attributes picked at start.
 */
export interface StagedRows {
  users: string;
  lists: string[];
  listOf: Uint32Array;
}

/** What the server's own pass over the file found, as the preview shows it. */
export interface UploadFacts {
  rowsRead: number;
  invalidRows: number;
  /** Valid rows, before a user's repeated rows were merged. */
  validRows: number;
  /** Valid rows that name no attributes of their own: they need attributes picked at start. */
  rowsWithoutAttrs: number;
  hasHeader: boolean;
}

/** Everything the server's pass found, as the upload is marked staged. */
export type CompletedUploadFacts = UploadFacts & { attrs: readonly string[]; attrSets: readonly AttrSet[]; otherAttrSetRows: number; nowMs: number };

export interface UploadSummary extends UploadFacts {
  id: number;
  status: UploadStatus;
  appId: string;
  sdkAppId: number;
  operator: string | null;
  fileName: string;
  /** Unique valid users. */
  users: number;
  duplicateRows: number;
  /** Every attribute the rows name. */
  attrs: string[];
  /** The sets of attributes rows name, largest first; empty for uploads staged before they were counted. */
  attrSets: AttrSet[];
  /** Rows naming a set beyond those in attrSets. */
  otherAttrSetRows: number;
  /** When the server finished reading the file (ms); null while it is still arriving. */
  stagedMs: number | null;
}

/** The process receiving an upload, as its lease names it (lib/lease/lease.ts). */
export interface UploadOwner {
  id: string;
  pid: number;
  host: string;
}

/** An upload whose rows are still arriving, as every process sees it in the store. */
export interface UploadInProgress {
  id: number;
  appId: string;
  operator: string | null;
  /** Null for one begun before owners were recorded. */
  owner: UploadOwner | null;
  /** When its owner last said it still receives it (ms, the owner's clock); null as for `owner`. */
  heartbeatMs: number | null;
  /** Once its file has ended: how many of its valid rows are merged by user and stored, of how many. */
  finishing: { done: number; total: number } | null;
}

/** How many uploads may be held and read at once, as one upload begins. */
export interface UploadCap {
  /** Uploads one operator may hold: those arriving, and those staged since `stagedSinceMs`. */
  max: number;
  stagedSinceMs: number;
  /** Files one operator may have arriving at once, whichever processes receive them. */
  readingPerOperator: number;
  /** Files the process beginning this one may be receiving at once (its threads and memory). */
  readingPerProcess: number;
  /** Only uploads whose owner beat since this count as arriving: older ones are abandoned. */
  liveSinceMs: number;
}

/** Checked in this order: the process's own load, then the operator's files arriving, then those they hold. */
export type BeginRefusal = 'process-busy' | 'operator-busy' | 'too-many-held';

export type StartRefusal = 'not-found' | 'not-staged' | 'picks-needed';
