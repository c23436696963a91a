import 'server-only';
import type { RunStore } from '../store/store';

/**
 * Copies a run's users from the run it was made from (a dry run's removal, a restore), a slice per
 * turn of the event loop, ahead of the lanes that send them: the run starts at once, and pages keep
 * answering while ten million rows are copied. `stop()` ends it between slices (a halt); the next
 * pass carries on from where it got to.
 */
export function startCopy(runs: RunStore, runId: number) {
  let done = false;
  let stopped = false;
  let failure: unknown = null;
  let wake: () => void = () => {};
  let copied = new Promise<void>((resolve) => (wake = resolve));
  const finished = (async () => {
    try {
      while (!stopped) {
        done = (await runs.copyUsers(runId)).done;
        const woken = wake;
        copied = new Promise<void>((resolve) => (wake = resolve));
        woken();
        if (done) return;
        await new Promise((resolve) => setImmediate(resolve));
      }
    } catch (err) {
      failure = err;
      stopped = true;
      wake();
      throw err;
    }
  })();
  // Read through `next()`, or awaited at the end of the pass: never an unhandled rejection.
  finished.catch(() => {});
  return {
    isDone: () => done,
    /** Resolves after the next slice (or at once when the copy is over); throws what broke the copy. */
    next: async () => {
      if (!done && !stopped) await copied;
      if (failure) throw failure;
    },
    stop: () => {
      stopped = true;
      wake();
    },
    finished,
  };
}

export type Copy = ReturnType<typeof startCopy>;
