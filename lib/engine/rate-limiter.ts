/**
 * Paces remove_attr calls under TIM_MAX_QPS for every run in this process. Requests reach the
 * server with jitter, so we aim a little under the ceiling and, as a second guard, cap the permits
 * in trailing windows — timers that fire late in a bunch (a busy event loop) would otherwise burst.
 *
 * SPEC suggests about 98 %. The server counts arrivals, and a server that pauses (GC) stamps the
 * requests queued during the pause together: the simulator's pauses reach about 55 ms with a
 * million users in memory. At 95 % it still counted 101 in one second of a million-user run; at
 * 94 % it counted at most 100, for about 0.6 % more elapsed time.
 */
export const PACING_SAFETY = 0.94;
/** A late timer may catch up this far on the schedule instead of shifting it (the window guards still hold). */
const CATCH_UP_MS = 50;
/**
 * The window guards. A burst granted at t (a catch-up) is echoed at t + 1 s as the first window
 * frees up, so a 1 s guard alone lets two bursts land in one second at the server when their trips
 * differ by a few ms. At most 98 % in any 1,030 ms means that, with trips varying by up to 30 ms,
 * no second at the server holds more than 98 % of the ceiling.
 */
const WINDOW_MS = 1000;
const ARRIVAL_JITTER_MS = 30;
const ARRIVAL_SAFETY = 0.98;

export interface RateLimiter {
  acquire(): Promise<void>;
  /** After 60007/60011: keep every caller quiet for a while. */
  backOff(ms: number): void;
}

export interface Clock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

export const realClock: Clock = {
  now: () => performance.timeOrigin + performance.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms))),
};

export function createRateLimiter(maxQps: number, clock: Clock = realClock): RateLimiter {
  const guards = [
    { limit: Math.max(1, Math.floor(maxQps * PACING_SAFETY)), ms: WINDOW_MS },
    { limit: Math.max(1, Math.floor(maxQps * ARRIVAL_SAFETY)), ms: WINDOW_MS + ARRIVAL_JITTER_MS },
  ];
  const longest = Math.max(...guards.map((g) => g.ms));
  const interval = WINDOW_MS / (maxQps * PACING_SAFETY);
  let nextSlot = 0;
  let quietUntil = 0;
  /** Grant times within the longest window, oldest first. */
  const granted: number[] = [];

  /** How long until every guard has room for one more grant at `t` (0: now). */
  function roomIn(t: number): number {
    let wait = 0;
    for (const { limit, ms } of guards) {
      // Grants are in time order: a window is full while its limit-th newest grant is still inside.
      const blocker = granted[granted.length - limit];
      if (blocker !== undefined && blocker > t - ms) wait = Math.max(wait, blocker + ms - t + 1);
    }
    return wait;
  }

  return {
    async acquire() {
      for (;;) {
        // Slots follow the schedule, not the moment we got here: if timers ran late, we may catch
        // up a little rather than losing that time for good.
        const slot = Math.max(clock.now() - CATCH_UP_MS, nextSlot, quietUntil);
        nextSlot = slot + interval;
        const wait = slot - clock.now();
        if (wait > 0) await clock.sleep(wait);

        // The window guards hold our place: waiting here must not push the schedule back.
        for (;;) {
          const t = clock.now();
          // A back-off that began while we slept: queue again so the waiters resume paced, not in a burst.
          if (t < quietUntil) break;
          while (granted.length > 0 && granted[0]! <= t - longest) granted.shift();
          const full = roomIn(t);
          if (full === 0) {
            granted.push(t);
            return;
          }
          await clock.sleep(full);
        }
      }
    },
    backOff(ms) {
      quietUntil = Math.max(quietUntil, clock.now() + ms);
    },
  };
}
