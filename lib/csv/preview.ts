import { ISSUES_SHOWN } from './limits';
import { CsvPass, tooLarge } from './parse';
import type { CsvFatal, CsvIssue } from './validate';

/** What a preview shows, whoever made it: the browser's own quick pass or the server's staged upload. */
export interface CsvPreviewCounts {
  rowsRead: number;
  users: number;
  duplicateRows: number;
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
 * The browser's own pass over a chosen file, with the server's rules, streamed from disk. Users
 * are counted in a Set (the server merges them in its database); nothing else is kept.
 */
export async function previewFile(request: PreviewRequest, onProgress: (fraction: number) => void): Promise<CsvPreviewCounts> {
  const { file } = request;
  const unique = new Set<string>();
  const pass = new CsvPass({
    knownAttrs: request.knownAttrs,
    maxRows: request.maxRows,
    maxBytes: request.maxBytes,
    keepIssues: ISSUES_SHOWN,
    onRow: (r) => unique.add(r.account),
  });
  if (file.size > request.maxBytes) {
    return { rowsRead: 0, users: 0, duplicateRows: 0, invalidRows: 0, rowsWithoutAttrs: 0, attrs: [], issues: [], fatal: tooLarge(file.size, request.maxBytes) };
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
    users: tally.fatal ? 0 : unique.size,
    duplicateRows: tally.validRows - unique.size,
    invalidRows: tally.invalidRows,
    rowsWithoutAttrs: tally.rowsWithoutAttrs,
    attrs: tally.attrs,
    issues: tally.issues,
    fatal: tally.fatal,
  };
}
