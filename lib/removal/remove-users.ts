import 'server-only';
import { audit, type Actor } from '../auth/audit';
import { getConfig } from '../config';
import { createRun, finishRun, getRun, type RunSource, type RunSummary } from '../db/runs';
import { executeRun } from '../jobs/execute-run';
import { log } from '../log';
import { getRuntime } from '../runtime';
import type { Failure } from '../tim/outcomes';
import { realClock } from './rate-limiter';

/** Form runs are small (≤ 1,000 users = 10 requests); a few in flight keeps them near the QPS ceiling. */
const FORM_CONCURRENCY = 4;

export interface RemoveUsersInput {
  users: { account: string; attrs: string[] }[];
  source: RunSource;
  actor: Actor;
}

/**
 * Runs a small removal to the end inside the caller's request: the run and its users are stored
 * first, each batch's outcomes as it completes, then the run is closed. With `stoppedBy`, a
 * request-level error met before the first send, the run is recorded as stopped and nothing is sent.
 */
export async function removeAttributesNow(input: RemoveUsersInput, stoppedBy?: Failure): Promise<RunSummary> {
  const config = getConfig();
  const { db, tim, limiter } = getRuntime();
  const runId = createRun(db, {
    source: input.source,
    sdkAppId: config.sdkAppId,
    region: config.region,
    operator: input.actor.username,
    users: input.users,
  });
  audit(db, { action: 'run-started', operator: input.actor.username, clientIp: input.actor.clientIp, runId, detail: `${input.source}, ${input.users.length} users` });
  log.info('run.started', { runId, source: input.source, users: input.users.length });
  if (stoppedBy) finishRun(db, runId, { status: 'stopped', failure: stoppedBy });
  else await executeRun(runId, { db, client: tim, limiter, clock: realClock, concurrency: FORM_CONCURRENCY });
  return getRun(db, runId)!;
}
