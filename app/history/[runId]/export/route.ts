import { csvDownload, problem, route } from '@/lib/entry/route';
import { runRefSchema } from '@/lib/schemas/bulk';
import { exportRun } from '@/lib/use-cases/export-run';

export const dynamic = 'force-dynamic';

/** Streams every user of a run, a page at a time, so a million rows never sit in memory. */
export const GET = route<{ runId: string }>('viewer', async (ctx, _req, params) => {
  const ref = runRefSchema.safeParse(params);
  if (!ref.success) return problem({ code: 'run.notFound' }, ctx.messages);
  const exported = await exportRun(ctx, ref.data);
  if (!exported.ok) return problem(exported.error, ctx.messages);
  return csvDownload(exported.value.fileName, exported.value.lines);
});
