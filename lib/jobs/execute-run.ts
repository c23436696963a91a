import 'server-only';
import { runBatches, toBatches, type EngineOptions, type RunEnd } from '../engine/engine';
import { checkValues, removeWithSnapshot, restoreValues, type Operation, type RunTarget } from '../engine/operations';
import type { RunKind } from '../runs/state-machine';
import { log } from '../log';
import type { RunStore } from '../store/store';

/** Users are read from the store a page at a time, so a million-user run never sits in memory. */
const PAGE_SIZE = 1000;
/** How often the pass rereads the run's cancel flag, besides after every batch. */
const CANCEL_POLL_MS = 500;

/** What each kind of run does to a batch of its users. */
export const OPERATIONS: Readonly<Record<RunKind, Operation<RunTarget>>> = { remove: removeWithSnapshot, check: checkValues, restore: restoreValues };

const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

/**
 * Pending users in order, a page at a time. A run made from another (a dry run's removal, a
 * restore) copies its users from that run as it goes: a slice of 2,000 before each page of 1,000,
 * so the copy stays ahead of the lanes, the run starts at once, and no copy holds the main thread
 * for long. A pass that resumes the run carries the copy on from where it got to.
 */
async function* pendingBatches(runs: RunStore, runId: number): AsyncGenerator<RunTarget[]> {
  let after = 0;
  let copied = false;
  for (;;) {
    if (!copied) copied = (await runs.copyUsers(runId)).done;
    const page = await runs.pendingTargets(runId, after, PAGE_SIZE);
    if (page.length === 0) {
      if (copied) return;
      // A slice with nothing to send (a restore's users are sparse): let pages answer before the next.
      await nextTurn();
      continue;
    }
    after = page[page.length - 1]!.seq;
    yield* toBatches(page);
  }
}

/** The rest of a copy a cancel or a stop cut short: its users are "not sent" too, once they are there. */
async function copyRest(runs: RunStore, runId: number): Promise<void> {
  while (!(await runs.copyUsers(runId)).done) await nextTurn();
}

export type ExecuteOptions = Omit<EngineOptions<RunTarget>, 'operation' | 'onOutcomes' | 'onKept' | 'isCancelled'> & {
  runs: RunStore;
  /** Default `remove`. */
  kind?: RunKind;
  onProgress?: (usersDone: number) => void;
};

/**
 * One pass over what is still pending for a stored run. The same path serves a new run and one
 * resumed after a restart: finished users are skipped because only pending rows are read, and a
 * batch replayed after a crash cannot be counted twice (only pending rows change).
 * Anything that breaks the pass (the store, a bug) halts it and leaves the run to be resumed:
 * users whose batch may have gone out are never recorded as "not sent".
 */
export async function executeRun(runId: number, opts: ExecuteOptions): Promise<RunEnd> {
  const { runs, onProgress, kind = 'remove', ...engine } = opts;
  // A cancel is read from the store, so it reaches whichever process is sending.
  let cancelled = false;
  const refresh = async () => {
    cancelled ||= await runs.isCancelRequested(runId);
  };
  const poll = setInterval(() => void refresh().catch(() => {}), CANCEL_POLL_MS);
  poll.unref();
  let end: RunEnd;
  try {
    await refresh();
    end = await runBatches(pendingBatches(runs, runId), {
      ...engine,
      operation: OPERATIONS[kind],
      isCancelled: () => cancelled,
      onKept: (kept) => runs.keepValues(runId, kept),
      onOutcomes: async (outcomes, requests) => {
        await runs.recordOutcomes(runId, outcomes, requests);
        onProgress?.(outcomes.length);
        await refresh();
      },
      onStoreError: (err) => log.error('run.store-error', { runId, error: describe(err) }),
    });
    // A halt decides nothing: the copy waits where it got to, for the pass that resumes the run.
    if (end.status !== 'halted') await copyRest(runs, runId);
    await runs.finish(runId, end);
  } catch (err) {
    log.error('run.crashed', { runId, error: describe(err) });
    end = { status: 'halted', reason: 'error' };
  } finally {
    clearInterval(poll);
  }
  log.info('run.pass-ended', { runId, status: end.status, reason: end.status === 'halted' ? end.reason : null, error: end.status === 'stopped' ? end.failure.key : null });
  return end;
}

const describe = (err: unknown) => (err instanceof Error ? err.message : String(err));
