import type { StagedRows } from '../uploads/types';
import type { CsvIssue, CsvTally } from './validate';

/** What a parse thread is started with. */
export interface ParseThreadOptions {
  knownAttrs: readonly string[];
  maxRows: number;
  maxBytes: number;
  /** Invalid rows in the final tally (the preview's list). */
  issuesShown: number;
  /** Invalid rows sent back to be stored (the download); beyond this only the count grows. */
  issuesKept: number;
}

export type ParseRequest = { type: 'chunk'; bytes: Uint8Array } | { type: 'end' };

/** The answer to each chunk, and to the end, with the chunk's valid rows packed; `more` false once the file is beyond use. */
export interface ParsedMessage {
  type: 'parsed';
  rows: StagedRows;
  issues: CsvIssue[];
  more: boolean;
  bytesRead: number;
}

export type ParseReply = ParsedMessage | { type: 'done'; tally: CsvTally };
