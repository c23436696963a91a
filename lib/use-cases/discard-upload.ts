import 'server-only';
import type { UploadRef } from '../schemas/upload';
import type { UseCaseContext } from './context';
import { fail, ok, type Result } from './result';
import { ownsUpload } from './start-staged-run';

/** The operator chose another file or changed their mind: the staged rows go now rather than in 24 hours. */
export async function discardUpload(ctx: UseCaseContext, input: UploadRef): Promise<Result<null>> {
  const upload = await ctx.store.uploads.get(input.uploadId);
  if (!upload || upload.status !== 'staged' || !ownsUpload(ctx, upload)) return fail('upload.notFound');
  await ctx.store.uploads.discard(input.uploadId);
  return ok(null);
}
