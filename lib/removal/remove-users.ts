import 'server-only';
import { audit, type Actor } from '../auth/audit';
import { getConfig } from '../config';
import { createRun, finishRun, getRun, type RunSource, type RunSummary } from '../db/runs';
import { getWorker } from '../jobs/worker';
import { log } from '../log';
import { getRuntime } from '../runtime';
import type { Failure } from '../tim/outcomes';

export interface RemoveUsersInput {
  users: { account: string; attrs: string[] }[];
  source: RunSource;
  actor: Actor;
  requestKey?: string;
}

/**
 * Runs a small removal to the end inside the caller's request, through the worker like every run:
 * the run and its users are stored first, each batch's outcomes as it completes, then the run is
 * closed. With `stoppedBy`, a request-level error met before the first send, the run is recorded as
 * stopped and nothing is sent. A second submit with the same request key returns the first run.
 */
export async function removeAttributesNow(input: RemoveUsersInput, stoppedBy?: Failure): Promise<RunSummary> {
  const config = getConfig();
  const { db } = getRuntime();
  const { runId, existing } = createRun(db, {
    requestKey: input.requestKey,
    source: input.source,
    sdkAppId: config.sdkAppId,
    region: config.region,
    operator: input.actor.username,
    users: input.users,
  });
  if (!existing) {
    audit(db, { action: 'run-started', operator: input.actor.username, clientIp: input.actor.clientIp, runId, detail: `${input.source}, ${input.users.length} users` });
    log.info('run.started', { runId, source: input.source, users: input.users.length });
    if (stoppedBy) finishRun(db, runId, { status: 'stopped', failure: stoppedBy });
  }
  const run = getRun(db, runId)!;
  if (run.status === 'running') await getWorker().run(runId, run.source);
  return getRun(db, runId)!;
}
