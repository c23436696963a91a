import 'server-only';
import type { Db } from '../db/database';
import { finishRun, pendingTargets, recordOutcomes } from '../db/runs';
import { log } from '../log';
import { runRemoval, toBatches, type EngineOptions, type RemovalTarget, type RunEnd } from '../removal/engine';

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

export type ExecuteOptions = Omit<EngineOptions, 'onOutcomes'> & { db: Db; onProgress?: (usersDone: number) => void };

/**
 * Sends what is still pending for a stored run and closes it. The same path serves a new run and
 * one resumed after a restart: finished users are skipped because only pending rows are read, and
 * a batch replayed after a crash cannot be counted twice (recordOutcomes only changes pending rows).
 */
export async function executeRun(runId: number, opts: ExecuteOptions): Promise<RunEnd> {
  const { db, onProgress, ...engine } = opts;
  try {
    const end = await runRemoval(pendingBatches(db, runId), {
      ...engine,
      onOutcomes: (outcomes, requests) => {
        recordOutcomes(db, runId, outcomes, requests);
        onProgress?.(outcomes.length);
      },
    });
    finishRun(db, runId, end);
    log.info('run.finished', { runId, status: end.status, error: end.status === 'stopped' ? end.failure.key : null });
    return end;
  } catch (err) {
    // Whatever broke, unsent users are recorded as such rather than left pending forever.
    finishRun(db, runId, { status: 'interrupted' });
    log.error('run.crashed', { runId, error: err instanceof Error ? err.message : String(err) });
    throw err;
  }
}
