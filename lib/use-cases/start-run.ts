import 'server-only';
import { audit } from '../auth/audit';
import { createRun, type NewRun } from '../db/runs';
import { log } from '../log';
import type { UseCaseContext } from './context';

/**
 * Stores a run and all its users (pending) together with its audit row, in one transaction,
 * before anything is sent. A submission whose request key already made a run gets that run.
 */
export function storeRun(ctx: UseCaseContext, run: Omit<NewRun, 'operator'>, detail: string): { runId: number; existing: boolean } {
  const { store, actor } = ctx;
  const created = store.transaction(() => {
    const r = createRun(store, { ...run, operator: actor.username });
    if (!r.existing) audit(store, { action: 'run-started', operator: actor.username, clientIp: actor.clientIp, runId: r.runId, detail });
    return r;
  })();
  if (!created.existing) log.info('run.started', { runId: created.runId, appId: run.appId, source: run.source });
  return created;
}
