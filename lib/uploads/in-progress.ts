import 'server-only';
import type { UploadInProgress, UploadOwner } from './types';

/** SPEC: a staged upload that is never started expires after 24 hours. */
export const STAGED_UPLOAD_TTL_MS = 24 * 3_600_000;

/**
 * Files read at once by one process: each holds a thread, memory and a share of the database's
 * writes, so the cap is per process (several processes behind a load balancer read more in all).
 */
export const MAX_CONCURRENT_UPLOADS = 4;

/**
 * Files one operator may have arriving at once, whichever processes receive them, so one person's
 * stalled or slow files never take every place, and a load balancer spreading them gives no more.
 */
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
 * An upload whose process has not said it still receives it for this long has no one left to
 * finish it: a link that stalls is ended after UPLOAD_STALL_MS, so only a process that is gone or
 * stuck stays silent for twice that.
 */
export const UPLOAD_ABANDONED_MS = 2 * UPLOAD_STALL_MS;

/**
 * Whether an upload still arriving has no one left to finish it, as the process `me` sees it: its
 * owner has not beaten for UPLOAD_ABANDONED_MS, or the owner was an earlier life of a process on
 * this host (the same pid under another identity, or a pid that no longer exists: a restart, a
 * crash), whose uploads died with it. One begun before owners were recorded has no one either.
 */
export function isAbandoned(upload: UploadInProgress, me: UploadOwner, nowMs: number, isAlive: (pid: number) => boolean): boolean {
  const { owner, heartbeatMs } = upload;
  if (owner === null || heartbeatMs === null || nowMs - heartbeatMs > UPLOAD_ABANDONED_MS) return true;
  return owner.host === me.host && owner.id !== me.id && (owner.pid === me.pid || !isAlive(owner.pid));
}

/**
 * Uploads one operator may hold at once, arriving or staged: each may be 1 GiB and ten million
 * rows, kept for a day. The page keeps one per app (choosing another file discards it), so this
 * leaves room for a few apps and for scripts that stage a few files before starting them.
 */
export const MAX_STAGED_UPLOADS_PER_OPERATOR = 5;
