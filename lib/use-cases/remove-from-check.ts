import 'server-only';
import type { FromCheckRefusal } from '../runs/types';
import { log } from '../log';
import type { RemoveCheckedInput } from '../schemas/bulk';
import type { UseCaseContext } from './context';
import { fail, ok, type ErrorCode, type Result } from '../errors';
import { untypedRefusal } from './typed-confirm';

const REFUSALS: Record<FromCheckRefusal, ErrorCode> = { 'not-found': 'run.notFound', 'not-a-check': 'run.notACheck', 'still-running': 'run.stillRunning' };

/**
 * The removal a dry run leads to: the same users, attributes and app, as a background run. While
 * one is running, asking again (another operator, another request key) answers with that one.
 */
export async function removeChecked(ctx: UseCaseContext, input: RemoveCheckedInput): Promise<Result<{ runId: number; users: number }>> {
  if (!ctx.worker.canSend()) return fail('worker.standby');
  const { store, actor } = ctx;
  const check = await store.runs.get(input.runId);
  const app = check ? ctx.apps.get(check.appId) : null;
  if (check && !app) return fail('app.unknown');
  // The users a removal would take a value from: what the dry run's page asks the name for, too.
  const untyped = check && app ? untypedRefusal(app.summary, check.withValues, input.typedAppName) : null;
  if (untyped) return untyped;
  const created = await store.runs.createFromCheck(input.runId, { requestKey: input.requestKey, operator: actor.username }, (runId, users) => ({
    action: 'run-started',
    operator: actor.username,
    clientIp: actor.clientIp,
    runId,
    detail: { source: 'check', checkRunId: input.runId, users },
  }));
  if (!created.ok) return fail(REFUSALS[created.refusal]);
  if (!created.existing) {
    log.info('run.started', { runId: created.runId, source: check?.source ?? 'csv', kind: 'remove', parentRunId: input.runId, users: created.users });
    void ctx.worker.run(created.runId, check?.source ?? 'csv');
  }
  return ok({ runId: created.runId, users: created.users });
}
