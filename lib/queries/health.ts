import 'server-only';
import { getRuntime } from '../runtime';

/** Configuration valid and the database answering; says nothing else to the public. */
export async function isHealthy(): Promise<boolean> {
  try {
    await getRuntime().store.ping();
    return true;
  } catch {
    return false;
  }
}
