import { getRuntime } from '@/lib/runtime';

export const dynamic = 'force-dynamic';

/** Public liveness: answers ok only once configuration is valid and the database is open. */
export function GET() {
  try {
    getRuntime().db.prepare('SELECT 1').get();
    return Response.json({ ok: true });
  } catch {
    return Response.json({ ok: false }, { status: 503 });
  }
}
