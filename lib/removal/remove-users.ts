import 'server-only';
import { getConfig } from '../config';
import { createRun, finishRun, getRun, recordOutcomes, type RunSource, type RunSummary } from '../db/runs';
import { log } from '../log';
import { getRuntime } from '../runtime';
import { runRemoval, toBatches } from './engine';
import { realClock } from './rate-limiter';

/** Form runs are small (≤ 1,000 users = 10 requests); a few in flight keeps them near the QPS ceiling. */
const FORM_CONCURRENCY = 4;

export interface RemoveUsersInput {
  users: { account: string; attrs: string[] }[];
  source: RunSource;
  operator: string | null;
  parentRunId?: number | null;
}

/**
 * Runs a removal to the end inside the caller's request: the run and its users are stored first,
 * each batch's outcomes as it completes, then the run is closed.
 */
export async function removeAttributesNow(input: RemoveUsersInput): Promise<RunSummary> {
  const config = getConfig();
  const { db, tim, limiter } = getRuntime();
  const { runId, targets } = createRun(db, {
    source: input.source,
    sdkAppId: config.sdkAppId,
    region: config.region,
    operator: input.operator,
    parentRunId: input.parentRunId,
    users: input.users,
  });
  log.info('run.started', { runId, source: input.source, users: targets.length });
  try {
    const end = await runRemoval(toBatches(targets), {
      client: tim,
      limiter,
      clock: realClock,
      concurrency: FORM_CONCURRENCY,
      onOutcomes: (outcomes, requests) => recordOutcomes(db, runId, outcomes, requests),
    });
    finishRun(db, runId, end);
    log.info('run.finished', { runId, status: end.status, error: end.status === 'stopped' ? end.failure.key : null });
  } catch (err) {
    // Whatever broke, the users not yet sent are recorded as such rather than left pending.
    finishRun(db, runId, { status: 'interrupted' });
    log.error('run.crashed', { runId, error: err instanceof Error ? err.message : String(err) });
    throw err;
  }
  return getRun(db, runId)!;
}
