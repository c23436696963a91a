import { publicContext } from '@/lib/entry/context';
import { ENGLISH } from '@/lib/messages/catalogues';
import { isHealthy } from '@/lib/queries/health';

export const dynamic = 'force-dynamic';

/** Public liveness: answers ok only once configuration is valid and the database is open. */
export async function GET() {
  let healthy = false;
  try {
    healthy = await isHealthy(publicContext(ENGLISH));
  } catch {
    // The configuration is invalid, or the store cannot be opened: not healthy, and nothing more to say.
  }
  return healthy ? Response.json({ ok: true }) : Response.json({ ok: false }, { status: 503 });
}
