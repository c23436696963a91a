import 'server-only';
import { getRuntime } from '../runtime';

/** Configuration valid and the database answering; says nothing else to the public. */
export function isHealthy(): boolean {
  try {
    getRuntime().db.prepare('SELECT 1').get();
    return true;
  } catch {
    return false;
  }
}
