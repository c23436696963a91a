import { csvDownload, problem, route } from '@/lib/entry/route';
import { uploadRefSchema } from '@/lib/schemas/upload';
import { exportUploadIssues } from '@/lib/use-cases/export-upload-issues';

export const dynamic = 'force-dynamic';

/** Every invalid row the server kept for a staged upload, by line, as CSV. */
export const GET = route<{ uploadId: string }>('operator', async (ctx, _req, params) => {
  const ref = uploadRefSchema.safeParse(params);
  if (!ref.success) return problem({ code: 'upload.notFound' }, ctx.messages);
  const exported = await exportUploadIssues(ctx, ref.data);
  if (!exported.ok) return problem(exported.error, ctx.messages);
  return csvDownload(exported.value.fileName, exported.value.lines);
});
