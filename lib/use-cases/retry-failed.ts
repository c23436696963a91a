import 'server-only';
import type { RetryRefusal } from '../runs/types';
import { log } from '../log';
import { handlingOf, parseFailureKey } from '../tim/policy';
import { retryPlan } from '../runs/retry';
import type { RetryFailedInput } from '../schemas/bulk';
import type { UseCaseContext } from './context';
import { fail, ok, type ErrorCode, type Result } from '../errors';
import { untypedRefusal } from './typed-confirm';

const REFUSALS: Record<RetryRefusal, ErrorCode> = {
  'not-found': 'run.notFound',
  'still-running': 'run.stillRunning',
  'nothing-to-retry': 'run.nothingToRetry',
  'restore-run': 'run.retryRestore',
};

/** "Retry failed users": a new background run, through the original run's app, of the retryable failures and the users never sent. */
export async function retryFailed(ctx: UseCaseContext, input: RetryFailedInput): Promise<Result<{ runId: number; users: number }>> {
  if (!ctx.worker.canSend()) return fail('worker.standby');
  const { store, actor } = ctx;
  const run = await store.runs.get(input.runId);
  const groups = (await store.runs.failureGroups(input.runId)).map((g) => ({ ...g, handling: handlingOf(parseFailureKey(g.key, g.code)) }));
  const plan = retryPlan(groups, run?.notSent ?? 0);
  const app = run ? ctx.apps.get(run.appId) : null;
  // The same count the run page names in its confirm step; a dry run's retry changes nothing.
  const untyped = run?.kind === 'remove' && app ? untypedRefusal(app.summary, plan.users, input.typedAppName) : null;
  if (untyped) return untyped;
  const created = await store.runs.createRetry(input.runId, plan.keys, actor.username, (runId, users) => ({
    action: 'run-retried',
    operator: actor.username,
    clientIp: actor.clientIp,
    runId,
    detail: { parentRunId: input.runId, users },
  }));
  if (!created.ok) return fail(REFUSALS[created.refusal]);
  if (!created.existing) {
    log.info('run.started', { runId: created.runId, source: 'retry', parentRunId: input.runId, users: created.users });
    void ctx.worker.run(created.runId, 'retry');
  }
  return ok({ runId: created.runId, users: created.users });
}
