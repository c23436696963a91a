import 'server-only';
import type { PublicContext } from '../use-cases/context';

/** Configuration valid and the database answering; says nothing else to the public. */
export async function isHealthy(ctx: PublicContext): Promise<boolean> {
  try {
    await ctx.store.ping();
    return true;
  } catch {
    return false;
  }
}
