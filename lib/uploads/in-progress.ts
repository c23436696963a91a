import 'server-only';

/** SPEC: a staged upload that is never started expires after 24 hours. */
export const STAGED_UPLOAD_TTL_MS = 24 * 3_600_000;

/** Files read at once by this process: each holds a thread and a share of the database's writes. */
export const MAX_CONCURRENT_UPLOADS = 4;

/** Of those, what one operator may hold, so one person's stalled or slow files never take them all. */
export const MAX_UPLOADS_READ_PER_OPERATOR = 2;

/**
 * A file from which no byte arrives for this long is ended and its place freed. A slow but steady
 * link sends something every few milliseconds; a minute covers a phone changing networks.
 */
export const UPLOAD_STALL_MS = 60_000;

/**
 * How often the process receiving an upload says so in the store: one small write per upload
 * every few seconds, whether rows are arriving or not (a stretch of invalid rows stores nothing).
 */
export const UPLOAD_HEARTBEAT_MS = 5_000;

/**
 * Uploads one operator may hold at once, arriving or staged: each may be 1 GiB and ten million
 * rows, kept for a day. The page keeps one per app (choosing another file discards it), so this
 * leaves room for a few apps and for scripts that stage a few files before starting them.
 */
export const MAX_STAGED_UPLOADS_PER_OPERATOR = 5;

const holder = globalThis as typeof globalThis & { __timConsoleUploads?: Map<number, string> };

/**
 * Uploads this process is receiving now, with the operator sending each. Any other upload still
 * marked `uploading` was left by a process that died mid-file: the worker's sweep deletes it.
 */
export function uploadsInProgress(): Map<number, string> {
  holder.__timConsoleUploads ??= new Map();
  return holder.__timConsoleUploads;
}
