/** Recent throughput of one run, for "rate" and "time left" on the progress bar, from the batches the store recorded. */

/**
 * Seconds of a run's recorded batches the store keeps, a ring per run: the rate is measured over
 * about this long, and a run never holds more rows of them.
 */
export const PROGRESS_SECONDS = 15;

/** One second of a run's recorded batches: what its first batch finished and when, and what they all finished. */
export interface ProgressSecond {
  /** The wall-clock second (ms / 1000, rounded down) its batches were recorded in. */
  second: number;
  firstMs: number;
  firstUsers: number;
  lastMs: number;
  users: number;
}

/** Where a batch recorded at `atMs` is counted: its second, and that second's place in the run's ring. */
export function progressSlot(atMs: number): { second: number; slot: number } {
  const second = Math.floor(atMs / 1000);
  return { second, slot: second % PROGRESS_SECONDS };
}

/**
 * Users per second over the recorded seconds of the last PROGRESS_SECONDS: those finished after
 * the first batch among them, over the time since it (up to `nowMs`, so a run that stalls shows
 * its rate falling). Null until two batches are there to measure, or within half a second.
 * Seconds from before a pause (a halt, a takeover) fall out of the window.
 */
export function rateOf(seconds: readonly ProgressSecond[], nowMs: number): number | null {
  const newest = Math.max(...seconds.map((s) => s.second));
  const recent = seconds.filter((s) => s.second > newest - PROGRESS_SECONDS).sort((a, b) => a.second - b.second);
  const first = recent[0];
  if (!first) return null;
  const users = recent.reduce((sum, s) => sum + s.users, 0) - first.firstUsers;
  const elapsed = (Math.max(nowMs, ...recent.map((s) => s.lastMs)) - first.firstMs) / 1000;
  if (users <= 0 || elapsed < 0.5) return null;
  return users / elapsed;
}
