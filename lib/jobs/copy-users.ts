import 'server-only';
import type { RunStore } from '../store/store';

/**
 * How far the copy may run ahead of the users the lanes have read: a few seconds of sending at
 * 100 requests of 100 users a second. Unpaced, a million-user copy ran flat out at the start of
 * the run, its writes queued with the lanes' and every page's, and slowed both.
 */
export const COPY_AHEAD = 30_000;

/**
 * Copies a run's users from the run it was made from (a dry run's removal, a restore), a slice per
 * turn of the event loop, ahead of the lanes that send them: the run starts at once, and pages keep
 * answering while ten million rows are copied. The copy stays at most COPY_AHEAD users past what
 * the lanes have read (`readUpTo`), never waits while they wait for it, and once they are done
 * (`unpace()`) copies the rest at once. `stop()` ends it between slices (a halt); the next pass
 * carries on from where it got to.
 */
export function startCopy(runs: Pick<RunStore, 'copyUsers' | 'copySlice'>, runId: number) {
  let done = false;
  let stopped = false;
  let failure: unknown = null;
  let wake: () => void = () => {};
  let copied = new Promise<void>((resolve) => (wake = resolve));
  // Positions are the parent's, kept by the copy: slices × copySlice is an upper bound of the last copied.
  let copiedUpTo = 0;
  let readTo = 0;
  let waiting = false;
  let unpaced = false;
  let resume: () => void = () => {};
  const farAhead = () => !stopped && !waiting && !unpaced && copiedUpTo - readTo >= COPY_AHEAD;
  const finished = (async () => {
    try {
      while (!stopped) {
        while (farAhead()) await new Promise<void>((resolve) => (resume = resolve));
        if (stopped) return;
        done = (await runs.copyUsers(runId, runs.copySlice)).done;
        copiedUpTo += runs.copySlice;
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
    /** The lanes have read the users up to this position. */
    readUpTo: (position: number) => {
      readTo = Math.max(readTo, position);
      resume();
    },
    /** The lanes are done (a cancel, a stop): the rest is copied as fast as it goes, to be marked with them. */
    unpace: () => {
      unpaced = true;
      resume();
    },
    /** Resolves after the next slice (or at once when the copy is over); throws what broke the copy. */
    next: async () => {
      if (!done && !stopped) {
        waiting = true;
        resume();
        await copied;
        waiting = false;
      }
      if (failure) throw failure;
    },
    stop: () => {
      stopped = true;
      wake();
      resume();
    },
    finished,
  };
}

export type Copy = ReturnType<typeof startCopy>;
