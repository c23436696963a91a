import { isHealthy } from '@/lib/queries/health';

export const dynamic = 'force-dynamic';

/** Public liveness: answers ok only once configuration is valid and the database is open. */
export async function GET() {
  return (await isHealthy()) ? Response.json({ ok: true }) : Response.json({ ok: false }, { status: 503 });
}
