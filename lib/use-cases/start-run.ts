import 'server-only';
import type { AuditDetail } from '../audit/types';
import type { NewRun } from '../runs/types';
import { log } from '../log';
import type { UseCaseContext } from './context';

/**
 * Stores a run and all its users (pending) together with its audit row, before anything is
 * sent. A submission whose request key already made a run gets that run.
 */
export async function storeRun(ctx: UseCaseContext, run: Omit<NewRun, 'operator'>, detail: AuditDetail): Promise<{ runId: number; existing: boolean }> {
  const { actor } = ctx;
  const action = run.kind === 'check' ? 'check-started' : 'run-started';
  const created = await ctx.store.runs.create({ ...run, operator: actor.username }, { action, operator: actor.username, clientIp: actor.clientIp, detail });
  if (!created.existing) log.info('run.started', { runId: created.runId, appId: run.appId, source: run.source, kind: run.kind ?? 'remove' });
  return created;
}
