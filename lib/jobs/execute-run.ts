import 'server-only';
import type { Db } from '../db/database';
import { finishRun, isCancelRequested, pendingTargets, recordOutcomes } from '../db/runs';
import { log } from '../log';
import { runBatches, toBatches, type EngineOptions, type RunEnd } from '../engine/engine';
import { removeAttr, type RemovalTarget } from '../engine/operations';

/** Users are read from the database a page at a time, so a million-user run never sits in memory. */
const PAGE_SIZE = 1000;

export function* pendingBatches(db: Db, runId: number): Generator<RemovalTarget[]> {
  let after = 0;
  for (;;) {
    const page = pendingTargets(db, runId, after, PAGE_SIZE);
    if (page.length === 0) return;
    after = page[page.length - 1]!.seq;
    yield* toBatches(page);
  }
}

export type ExecuteOptions = Omit<EngineOptions<RemovalTarget>, 'operation' | 'onOutcomes' | 'isCancelled'> & { db: Db; onProgress?: (usersDone: number) => void };

/**
 * One pass over what is still pending for a stored run. The same path serves a new run and one
 * resumed after a restart: finished users are skipped because only pending rows are read, and a
 * batch replayed after a crash cannot be counted twice (recordOutcomes only changes pending rows).
 * Anything that breaks the pass (the store, a bug) halts it and leaves the run to be resumed:
 * users whose batch may have gone out are never recorded as "not sent".
 */
export async function executeRun(runId: number, opts: ExecuteOptions): Promise<RunEnd> {
  const { db, onProgress, ...engine } = opts;
  let end: RunEnd;
  try {
    end = await runBatches(pendingBatches(db, runId), {
      ...engine,
      operation: removeAttr,
      isCancelled: () => isCancelRequested(db, runId),
      onOutcomes: (outcomes, requests) => {
        recordOutcomes(db, runId, outcomes, requests);
        onProgress?.(outcomes.length);
      },
      onStoreError: (err) => log.error('run.store-error', { runId, error: describe(err) }),
    });
    finishRun(db, runId, end);
  } catch (err) {
    log.error('run.crashed', { runId, error: describe(err) });
    end = { status: 'halted', reason: 'error' };
  }
  log.info('run.pass-ended', { runId, status: end.status, reason: end.status === 'halted' ? end.reason : null, error: end.status === 'stopped' ? end.failure.key : null });
  return end;
}

const describe = (err: unknown) => (err instanceof Error ? err.message : String(err));
