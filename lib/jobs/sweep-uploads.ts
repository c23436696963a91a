import 'server-only';
import { log } from '../log';
import type { UploadStore } from '../store/store';
import { STAGED_UPLOAD_TTL_MS } from '../uploads/in-progress';

/**
 * Deletes staged uploads past their 24 hours, uploads left half-received by a process that
 * died (only the writer receives uploads, so one not in progress here has no one left to finish
 * it), and discards a restart cut short. One started since it was listed is a run: the discard
 * refuses it, and it keeps every user.
 */
export async function sweepUploads(uploads: UploadStore, receiving: ReadonlyMap<number, string>, now: number): Promise<void> {
  for (const id of await uploads.expired(now - STAGED_UPLOAD_TTL_MS, true)) {
    if (receiving.has(id) || !(await uploads.discard(id))) continue;
    await uploads.deleteDiscarded(id);
    log.info('upload.discarded', { uploadId: id, reason: 'expired or abandoned' });
  }
}
