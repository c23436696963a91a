import 'server-only';
import type { CancelRefusal } from '../runs/types';
import type { RunRef } from '../schemas/bulk';
import type { UseCaseContext } from './context';
import { fail, ok, type ErrorCode, type Result } from '../errors';

const REFUSALS: Record<CancelRefusal, ErrorCode> = { 'not-found': 'run.notFound', 'not-running': 'run.notRunning', 'form-run': 'run.formRun' };

/**
 * Recorded in the store, which the sending process reads between requests: the batches in flight
 * finish and the rest become "not sent". Audited with the change.
 */
export async function cancelRun(ctx: UseCaseContext, input: RunRef): Promise<Result<null>> {
  const { actor } = ctx;
  const asked = await ctx.store.runs.requestCancel(input.runId, { action: 'run-cancelled', operator: actor.username, clientIp: actor.clientIp });
  return asked.ok ? ok(null) : fail(REFUSALS[asked.refusal]);
}
