/**
 * Paces remove_attr calls under TIM_MAX_QPS for every run in this process. Requests reach the
 * server with network jitter, so we aim at 98 % of the ceiling (SPEC "Calling the API") and, as a
 * second guard, never grant more than that many permits in any trailing 1,000 ms — timers that
 * fire late in a bunch (a busy event loop) would otherwise burst.
 */
export const PACING_SAFETY = 0.98;
const WINDOW_MS = 1000;

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
  const perWindow = Math.max(1, Math.floor(maxQps * PACING_SAFETY));
  const interval = WINDOW_MS / (maxQps * PACING_SAFETY);
  let nextSlot = 0;
  let quietUntil = 0;
  const granted: number[] = [];

  return {
    async acquire() {
      for (;;) {
        const slot = Math.max(clock.now(), nextSlot, quietUntil);
        nextSlot = slot + interval;
        const wait = slot - clock.now();
        if (wait > 0) await clock.sleep(wait);

        const t = clock.now();
        // A back-off that began while we slept: queue again so the waiters resume paced, not in a burst.
        if (t < quietUntil) continue;
        while (granted.length > 0 && granted[0]! <= t - WINDOW_MS) granted.shift();
        if (granted.length < perWindow) {
          granted.push(t);
          return;
        }
        await clock.sleep(granted[0]! + WINDOW_MS - t + 1);
      }
    },
    backOff(ms) {
      quietUntil = Math.max(quietUntil, clock.now() + ms);
    },
  };
}
