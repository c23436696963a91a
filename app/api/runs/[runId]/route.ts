import { authorizeRoute } from '@/lib/auth/request';
import { getRun } from '@/lib/db/runs';
import { getWorker } from '@/lib/jobs/worker';
import { getRuntime } from '@/lib/runtime';
import { runIdSchema } from '@/lib/schemas/bulk';

export const dynamic = 'force-dynamic';

/** Lightweight status for the progress bar: one row read, no per-user data. */
export async function GET(_req: Request, { params }: { params: Promise<{ runId: string }> }) {
  const operator = await authorizeRoute('viewer');
  if (operator instanceof Response) return operator;
  const id = runIdSchema.safeParse((await params).runId);
  const run = id.success ? getRun(getRuntime().db, id.data) : null;
  if (!run) return Response.json({ error: 'No such run' }, { status: 404 });
  const rate = run.status === 'running' ? getWorker().rate(run.id) : null;
  return Response.json({ run, rate, etaSeconds: rate ? Math.ceil(run.pending / rate) : null });
}
