import 'server-only';
import { log } from '../log';
import type { UploadRef } from '../schemas/upload';
import type { UseCaseContext } from './context';
import { fail, ok, type Result } from '../errors';
import { ownsUpload } from './start-staged-run';

/**
 * The operator chose another file or changed their mind: the staged rows go now rather than in 24
 * hours. A start that got there first wins, and this is refused. The answer comes once the upload
 * can no longer start; its rows are deleted after that, or by the worker's sweep if this process
 * stops first.
 */
export async function discardUpload(ctx: UseCaseContext, input: UploadRef): Promise<Result<null>> {
  const upload = await ctx.store.uploads.get(input.uploadId);
  if (!upload || upload.status !== 'staged' || !ownsUpload(ctx, upload)) return fail('upload.notFound');
  if (!(await ctx.store.uploads.discard(input.uploadId))) return fail('upload.notFound');
  void ctx.store.uploads
    .deleteDiscarded(input.uploadId)
    .catch((err: unknown) => log.error('upload.delete-failed', { uploadId: input.uploadId, error: err instanceof Error ? err.message : String(err) }));
  return ok(null);
}
