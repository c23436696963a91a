import { audit } from '@/lib/auth/audit';
import { authorizeRoute, clientIp } from '@/lib/auth/request';
import { csvLine } from '@/lib/csv/export';
import { getRun, listRunUsers } from '@/lib/db/runs';
import { presentUser } from '@/lib/results/present';
import { getRuntime } from '@/lib/runtime';
import { runIdSchema } from '@/lib/schemas/bulk';

export const dynamic = 'force-dynamic';

const PAGE = 5000;

/** Streams every user of a run, a page at a time, so a million rows never sit in memory. */
export async function GET(_req: Request, { params }: { params: Promise<{ runId: string }> }) {
  const operator = await authorizeRoute('viewer');
  if (operator instanceof Response) return operator;
  const id = runIdSchema.safeParse((await params).runId);
  const { db } = getRuntime();
  const run = id.success ? getRun(db, id.data) : null;
  if (!run) return new Response('No such run', { status: 404 });
  audit(db, { action: 'export', operator: operator.username, clientIp: await clientIp(), runId: run.id });

  const encoder = new TextEncoder();
  let after = 0;
  let headerSent = false;
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (!headerSent) {
        headerSent = true;
        controller.enqueue(encoder.encode(csvLine(['user', 'attributes', 'result', 'code', 'explanation', 'server_info'])));
        return;
      }
      const users = listRunUsers(db, run.id, { afterSeq: after, limit: PAGE });
      if (users.length === 0) return controller.close();
      after = users[users.length - 1]!.seq;
      const lines = users.map((u) => {
        const row = presentUser(u, run);
        return csvLine([row.user, u.attrs.join(';'), row.resultText, row.code, row.explanation, row.serverInfo]);
      });
      controller.enqueue(encoder.encode(lines.join('')));
    },
  });
  return new Response(body, {
    headers: {
      'content-type': 'text/csv; charset=utf-8',
      'content-disposition': `attachment; filename="run-${run.id}-results.csv"`,
      'cache-control': 'no-store',
    },
  });
}
