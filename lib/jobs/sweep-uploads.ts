import 'server-only';
import { log } from '../log';
import type { UploadStore } from '../store/store';
import { isAbandoned, STAGED_UPLOAD_TTL_MS } from '../uploads/in-progress';
import type { UploadOwner } from '../uploads/types';

/**
 * Deletes staged uploads past their 24 hours, uploads in progress that no process is left to
 * finish (isAbandoned: whichever process received them), and discards a restart cut short. An
 * abandoned upload is discarded only if its heartbeat is still the one judged, so an owner that
 * beat meanwhile keeps it; one started since it was listed is a run: the discard refuses it, and it
 * keeps every user.
 */
export async function sweepUploads(uploads: UploadStore, me: UploadOwner, now: number, isAlive: (pid: number) => boolean): Promise<void> {
  const abandoned = (await uploads.inProgress())
    .filter((u) => isAbandoned(u, me, now, isAlive))
    .map((u) => ({ id: u.id, ifStill: { heartbeatMs: u.heartbeatMs }, reason: 'abandoned', owner: u.owner }));
  const expired = (await uploads.expired(now - STAGED_UPLOAD_TTL_MS)).map((id) => ({ id, ifStill: undefined, reason: 'expired', owner: null }));
  for (const u of [...abandoned, ...expired]) {
    if (!(await uploads.discard(u.id, u.ifStill))) continue;
    await uploads.deleteDiscarded(u.id);
    log.info('upload.discarded', { uploadId: u.id, reason: u.reason, ownerPid: u.owner?.pid ?? null, ownerHost: u.owner?.host ?? null });
  }
}
