import { ISSUES_SHOWN } from './limits';
import { CsvPass, tooLarge } from './parse';
import type { CsvFatal, CsvIssue } from './validate';

/** What a preview shows, whoever made it: the browser's own quick pass or the server's staged upload. */
export interface CsvPreviewCounts {
  rowsRead: number;
  /** Valid rows, before a user's repeated rows are merged. */
  validRows: number;
  /** Unique valid users and the rows merged into them: the server's to count (null in the browser's pass). */
  users: number | null;
  duplicateRows: number | null;
  invalidRows: number;
  rowsWithoutAttrs: number;
  attrs: string[];
  /** The first invalid rows, by line. */
  issues: CsvIssue[];
  fatal: CsvFatal | null;
}

export interface PreviewRequest {
  file: Blob;
  knownAttrs: readonly string[];
  maxRows: number;
  maxBytes: number;
}

export type PreviewReply = { type: 'progress'; fraction: number } | { type: 'done'; preview: CsvPreviewCounts };

const PROGRESS_EVERY_MS = 100;

/**
 * The browser's own pass over a chosen file, with the server's rules, streamed from disk. It keeps
 * no rows: merging repeated users is the server's, in its database (a Set of a million IDs would
 * double the time this takes).
 */
export async function previewFile(request: PreviewRequest, onProgress: (fraction: number) => void): Promise<CsvPreviewCounts> {
  const { file } = request;
  const pass = new CsvPass({
    knownAttrs: request.knownAttrs,
    maxRows: request.maxRows,
    maxBytes: request.maxBytes,
    keepIssues: ISSUES_SHOWN,
    onRow: () => undefined,
  });
  if (file.size > request.maxBytes) {
    return { rowsRead: 0, validRows: 0, users: null, duplicateRows: null, invalidRows: 0, rowsWithoutAttrs: 0, attrs: [], issues: [], fatal: tooLarge(file.size, request.maxBytes) };
  }
  let lastProgress = 0;
  const reader = file.stream().getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      if (!pass.push(value)) break;
      const now = Date.now();
      if (now - lastProgress >= PROGRESS_EVERY_MS) {
        lastProgress = now;
        onProgress(Math.min(1, pass.bytesRead / Math.max(1, file.size)));
      }
    }
  } finally {
    await reader.cancel().catch(() => undefined);
  }
  const tally = pass.end();
  return {
    rowsRead: tally.rowsRead,
    validRows: tally.validRows,
    users: null,
    duplicateRows: null,
    invalidRows: tally.invalidRows,
    rowsWithoutAttrs: tally.rowsWithoutAttrs,
    attrs: tally.attrs,
    issues: tally.issues,
    fatal: tally.fatal,
  };
}
