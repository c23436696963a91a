import 'server-only';
import { ISSUES_SHOWN } from '../csv/limits';
import { STAGED_UPLOAD_TTL_MS } from '../uploads/in-progress';
import type { ArrivingUpload, StagedUpload } from '../schemas/upload';
import type { UseCaseContext } from '../use-cases/context';
import { stagedView } from '../use-cases/stage-upload';

/** The operator's newest staged upload for this app, as the upload route answered it: it survives a restart. */
export async function stagedUploadFor(ctx: UseCaseContext, appId: string): Promise<StagedUpload | null> {
  const upload = await ctx.store.uploads.latestStaged(ctx.actor.username, appId, ctx.clock.nowMs() - STAGED_UPLOAD_TTL_MS);
  if (!upload) return null;
  return stagedView(upload, await ctx.store.uploads.issues(upload.id, { limit: ISSUES_SHOWN }));
}

/** The operator's newest upload for this app still arriving, whichever process receives it, and how far its last step has come. */
export async function arrivingUploadFor(ctx: UseCaseContext, appId: string): Promise<ArrivingUpload> {
  const mine = (await ctx.store.uploads.inProgress()).filter((u) => u.operator === ctx.actor.username && u.appId === appId);
  const newest = mine.at(-1);
  return { upload: newest ? { id: newest.id, finishing: newest.finishing } : null };
}
