import { authorizeRoute } from '@/lib/auth/request';
import { listRuns } from '@/lib/db/runs';
import { RUNS_PAGE_SIZE } from '@/lib/results/run-view';
import { getRuntime } from '@/lib/runtime';

export const dynamic = 'force-dynamic';

export async function GET() {
  const operator = await authorizeRoute('viewer');
  if (operator instanceof Response) return operator;
  return Response.json({ runs: listRuns(getRuntime().db, { limit: RUNS_PAGE_SIZE }) });
}
