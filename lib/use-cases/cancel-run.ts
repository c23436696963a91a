import 'server-only';
import { audit } from '../auth/audit';
import { requestCancel, type CancelRefusal } from '../db/runs';
import type { RunRef } from '../schemas/bulk';
import type { UseCaseContext } from './context';
import { fail, ok, type ErrorCode, type Result } from './result';

const REFUSALS: Record<CancelRefusal, ErrorCode> = { 'not-found': 'run.notFound', 'not-running': 'run.notRunning', 'form-run': 'run.formRun' };

/**
 * Recorded in the database, which the sending process reads before every request: the batches in
 * flight finish and the rest become "not sent". Audited with the change.
 */
export function cancelRun(ctx: UseCaseContext, input: RunRef): Result<null> {
  const { store, actor } = ctx;
  const asked = store.transaction(() => {
    const r = requestCancel(store, input.runId);
    if (r.ok) audit(store, { action: 'run-cancelled', operator: actor.username, clientIp: actor.clientIp, runId: input.runId });
    return r;
  })();
  return asked.ok ? ok(null) : fail(REFUSALS[asked.refusal]);
}
