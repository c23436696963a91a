import 'server-only';
import type { RestoreRefusal } from '../runs/types';
import { log } from '../log';
import type { RunRef } from '../schemas/bulk';
import type { UseCaseContext } from './context';
import { fail, ok, type ErrorCode, type Result } from '../errors';

const REFUSALS: Record<Exclude<RestoreRefusal, 'purged'>, ErrorCode> = {
  'not-found': 'run.notFound',
  'not-a-removal': 'restore.notARemoval',
  'still-running': 'run.stillRunning',
  'nothing-to-restore': 'restore.nothing',
};

/**
 * "Restore removed values": a background run, through the removal's own app, that writes back
 * what the removal took from each user, unless the attribute has a value again. Audited.
 */
export async function restoreRemoved(ctx: UseCaseContext, input: RunRef): Promise<Result<{ runId: number; users: number }>> {
  if (!ctx.worker.canSend()) return fail('worker.standby');
  const { store, actor } = ctx;
  const created = await store.runs.createRestore(input.runId, actor.username, (runId, users) => ({
    action: 'restore-started',
    operator: actor.username,
    clientIp: actor.clientIp,
    runId,
    detail: { removalRunId: input.runId, users },
  }));
  if (!created.ok) {
    if (created.refusal !== 'purged') return fail(REFUSALS[created.refusal]);
    const run = await store.runs.get(input.runId);
    return fail('restore.purged', { date: run?.valuesPurgedAt?.slice(0, 10) ?? '' });
  }
  if (!created.existing) {
    log.info('run.started', { runId: created.runId, source: 'restore', kind: 'restore', parentRunId: input.runId, users: created.users });
    void ctx.worker.run(created.runId, 'restore');
  }
  return ok({ runId: created.runId, users: created.users });
}
