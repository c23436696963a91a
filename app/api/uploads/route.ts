import { problem, route } from '@/lib/entry/route';
import { arrivingUploadFor } from '@/lib/queries/uploads';
import { appIdSchema } from '@/lib/schemas/apps';
import { uploadTargetSchema } from '@/lib/schemas/upload';
import { stageUpload } from '@/lib/use-cases/stage-upload';

export const dynamic = 'force-dynamic';

/**
 * The CSV file as the request body, read as it arrives. `route` has checked the session and the
 * role before this runs, and proxy.ts leaves this path alone, so no byte of an anonymous body is
 * read or buffered.
 */
export const POST = route('operator', async (ctx, req) => {
  const query = new URL(req.url).searchParams;
  const target = uploadTargetSchema.safeParse({ appId: query.get('appId') ?? '', name: query.get('name') ?? '' });
  if (!target.success) return problem({ code: 'input.invalid' }, ctx.messages);
  const length = req.headers.get('content-length');
  const declaredBytes = length !== null && /^\d+$/.test(length) ? Number(length) : null;
  if (!req.body) return problem({ code: 'upload.empty' }, ctx.messages);
  const staged = await stageUpload(ctx, target.data, { declaredBytes, chunks: req.body as unknown as AsyncIterable<Uint8Array> });
  if (!staged.ok) return problem(staged.error, ctx.messages);
  // A file with no valid row is answered with its preview, but nothing was created.
  return Response.json(staged.value, { status: staged.value.id === null ? 200 : 201 });
}, { body: 'text/csv' });

/** The operator's upload for `appId` still arriving, and how far the server is in merging and storing it once the file has ended. */
export const GET = route('operator', async (ctx, req) => {
  const appId = appIdSchema.safeParse(new URL(req.url).searchParams.get('appId') ?? '');
  if (!appId.success) return problem({ code: 'input.invalid' }, ctx.messages);
  return Response.json(await arrivingUploadFor(ctx, appId.data), { headers: { 'cache-control': 'no-store' } });
});
