/**
 * A token bucket: `burst` at once, refilled at `perSecond`. Pure, with the clock passed in, so the
 * front server and its tests share it.
 */
export function createRateGate(opts: { perSecond: number; burst: number }, nowMs: () => number = Date.now) {
  let tokens = opts.burst;
  let lastMs = nowMs();
  return {
    take(): boolean {
      const now = nowMs();
      tokens = Math.min(opts.burst, tokens + ((now - lastMs) / 1000) * opts.perSecond);
      lastMs = now;
      if (tokens < 1) return false;
      tokens -= 1;
      return true;
    },
    /** After a refused take: how long until the next one would pass. */
    waitMs(): number {
      return Math.max(0, Math.ceil(((1 - tokens) / opts.perSecond) * 1000));
    },
  };
}
