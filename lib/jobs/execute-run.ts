import 'server-only';
import { runBatches, toBatches, type EngineOptions, type RunEnd } from '../engine/engine';
import { checkValues, removeWithSnapshot, restoreValues, type Operation, type RunTarget } from '../engine/operations';
import type { RunKind } from '../runs/state-machine';
import { log } from '../log';
import { LeaseLost } from '../lease/fence';
import type { RunStore } from '../store/store';
import { startCopy, type Copy } from './copy-users';

/** Users are read from the store a page at a time, so a million-user run never sits in memory. */
const PAGE_SIZE = 1000;
/** How often the pass rereads the run's cancel flag, besides with every batch's outcomes: a cancel from any process lands within a second. */
const CANCEL_POLL_MS = 500;

/** What each kind of run does to a batch of its users. */
export const OPERATIONS: Readonly<Record<RunKind, Operation<RunTarget>>> = { remove: removeWithSnapshot, check: checkValues, restore: restoreValues };

async function* pendingBatches(runs: PassStore, runId: number, copy: Copy): AsyncGenerator<RunTarget[]> {
  let after = 0;
  for (;;) {
    const copyWasDone = copy.isDone();
    const page = await runs.pendingTargets(runId, after, PAGE_SIZE);
    if (page.length === 0) {
      // Caught up with the copy: wait for its next slice; with the copy over, nothing is left.
      if (copyWasDone) return;
      await copy.next();
      continue;
    }
    after = page[page.length - 1]!.seq;
    copy.readUpTo(after);
    yield* toBatches(page);
  }
}

/** What a pass reads and writes of its run; the worker hands it fenced writes (RunStore.fenced). */
export type PassStore = Pick<RunStore, 'pendingTargets' | 'isCancelRequested' | 'copyUsers' | 'copySlice' | 'keepValues' | 'recordOutcomes' | 'finish'>;

export type ExecuteOptions = Omit<EngineOptions<RunTarget>, 'operation' | 'onOutcomes' | 'onKept' | 'isCancelled'> & {
  runs: PassStore;
  /** Default `remove`. */
  kind?: RunKind;
};

/**
 * One pass over what is still pending for a stored run. The same path serves a new run and one
 * resumed after a restart: finished users are skipped because only pending rows are read, and a
 * batch replayed after a crash cannot be counted twice (only pending rows change).
 * Anything that breaks the pass (the store, a bug) halts it and leaves the run to be resumed:
 * users whose batch may have gone out are never recorded as "not sent".
 */
export async function executeRun(runId: number, opts: ExecuteOptions): Promise<RunEnd> {
  const { runs, kind = 'remove', ...engine } = opts;
  // A cancel is read from the store, so it reaches whichever process is sending.
  let cancelled = false;
  const refresh = async () => {
    cancelled ||= await runs.isCancelRequested(runId);
  };
  const poll = setInterval(() => void refresh().catch(() => {}), CANCEL_POLL_MS);
  poll.unref();
  let end: RunEnd;
  const copy = startCopy(runs, runId);
  try {
    await refresh();
    end = await runBatches(pendingBatches(runs, runId, copy), {
      ...engine,
      operation: OPERATIONS[kind],
      isCancelled: () => cancelled,
      onKept: (kept) => runs.keepValues(runId, kept),
      onOutcomes: async (outcomes, requests) => {
        // Written whatever the flag says already: a batch in flight when the poll saw a cancel is recorded too.
        const { cancelRequested } = await runs.recordOutcomes(runId, outcomes, requests);
        if (cancelRequested) cancelled = true;
      },
      onStoreError: (err) => log.error('run.store-error', { runId, error: describe(err) }),
    });
    // Users still being copied are part of the run: a cancel or a stop marks them "not sent" too,
    // once they are all there. A halt leaves the copy where it got to, for the next pass.
    if (end.status === 'halted') copy.stop();
    else copy.unpace();
    await copy.finished;
    // A halt decides nothing, so it writes nothing either (and needs no fence).
    if (end.status !== 'halted') await runs.finish(runId, end);
  } catch (err) {
    if (err instanceof LeaseLost) log.warn('run.lease-lost', { runId, error: describe(err) });
    else log.error('run.crashed', { runId, error: describe(err) });
    end = { status: 'halted', reason: err instanceof LeaseLost ? 'lease-lost' : 'error' };
  } finally {
    copy.stop();
    clearInterval(poll);
  }
  log.info('run.pass-ended', { runId, status: end.status, reason: end.status === 'halted' ? end.reason : null, error: end.status === 'stopped' ? end.failure.key : null });
  return end;
}

const describe = (err: unknown) => (err instanceof Error ? err.message : String(err));
