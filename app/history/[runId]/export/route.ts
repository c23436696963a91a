import { csvDownload, problem, route } from '@/lib/entry/route';
import { runRefSchema } from '@/lib/schemas/bulk';
import { exportSearchSchema, readSearchParams } from '@/lib/schemas/search-params';
import { exportRun } from '@/lib/use-cases/export-run';

export const dynamic = 'force-dynamic';

/** Streams every user of a run (`?only=failed`: its failed users), a page at a time, so a million rows never sit in memory. */
export const GET = route<{ runId: string }>('viewer', async (ctx, req, params) => {
  const ref = runRefSchema.safeParse(params);
  if (!ref.success) return problem({ code: 'run.notFound' }, ctx.messages);
  const { only } = readSearchParams(exportSearchSchema, Object.fromEntries(new URL(req.url).searchParams));
  const exported = await exportRun(ctx, { ...ref.data, failedOnly: only === 'failed' });
  if (!exported.ok) return problem(exported.error, ctx.messages);
  return csvDownload(exported.value.fileName, exported.value.lines);
});
