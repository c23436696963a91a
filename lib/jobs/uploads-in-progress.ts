import 'server-only';

/** SPEC: a staged upload that is never started expires after 24 hours. */
export const STAGED_UPLOAD_TTL_MS = 24 * 3_600_000;

/** Files read at once by this process: each holds a thread and a share of the database's writes. */
export const MAX_CONCURRENT_UPLOADS = 4;

const holder = globalThis as typeof globalThis & { __timConsoleUploads?: Set<number> };

/**
 * Uploads this process is receiving now. Any other upload still marked `uploading` was left by a
 * process that died mid-file: the worker's sweep deletes it.
 */
export function uploadsInProgress(): Set<number> {
  holder.__timConsoleUploads ??= new Set();
  return holder.__timConsoleUploads;
}
