import { z } from 'zod';
import { says } from '../messages/validation';

/**
 * A key the browser makes once per confirm step and sends with the submission, so a double
 * click or a resubmitted request starts one run, not two.
 */
export const requestKeySchema = z
  .string()
  .regex(/^[A-Za-z0-9_-]{16,64}$/, { error: says('requestKey') })
  .optional();

/** crypto.getRandomValues works on plain-HTTP pages too, where crypto.randomUUID does not exist. */
export function newRequestKey(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}
