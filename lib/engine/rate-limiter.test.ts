import { describe, expect, it } from 'vitest';
import { createRateLimiter, type Clock } from './rate-limiter';

/** A virtual clock: sleeping advances time, so thousands of permits take no real time. */
function virtualClock(): Clock & { jitter(fn: () => number): void } {
  let now = 1_000_000;
  let extra = () => 0;
  const timers: { at: number; resolve: () => void }[] = [];
  const runNext = () => {
    timers.sort((a, b) => a.at - b.at);
    const next = timers.shift();
    if (!next) return;
    now = Math.max(now, next.at);
    next.resolve();
  };
  return {
    now: () => now,
    sleep: (ms) =>
      new Promise<void>((resolve) => {
        timers.push({ at: now + ms + extra(), resolve });
        setImmediate(runNext);
      }),
    jitter(fn) {
      extra = fn;
    },
  };
}

function maxInAnyWindow(times: number[], windowMs = 1000): number {
  const sorted = [...times].sort((a, b) => a - b);
  let best = 0;
  let start = 0;
  for (let end = 0; end < sorted.length; end++) {
    while (sorted[end]! - sorted[start]! >= windowMs) start++;
    best = Math.max(best, end - start + 1);
  }
  return best;
}

async function grantTimes(limiterQps: number, permits: number, clock: Clock, concurrency = 16) {
  const limiter = createRateLimiter(limiterQps, clock);
  const times: number[] = [];
  let left = permits;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (left-- > 0) {
        await limiter.acquire();
        times.push(clock.now());
      }
    }),
  );
  return { times, limiter };
}

describe('createRateLimiter', () => {
  it('never grants more than 94 % of the ceiling in any 1 s window', async () => {
    const clock = virtualClock();
    const { times } = await grantTimes(100, 1000, clock);
    expect(times).toHaveLength(1000);
    expect(maxInAnyWindow(times)).toBeLessThanOrEqual(94);
  });

  it('keeps close to the ceiling: 1,000 permits take about 10.6 s, not much more', async () => {
    const clock = virtualClock();
    const { times } = await grantTimes(100, 1000, clock);
    const span = Math.max(...times) - Math.min(...times);
    expect(span).toBeGreaterThan(10_400);
    expect(span).toBeLessThan(10_700);
  });

  it('holds the window even when timers fire late in bunches', async () => {
    const clock = virtualClock();
    let n = 0;
    clock.jitter(() => (n++ % 7 === 0 ? 180 : 0));
    const { times } = await grantTimes(100, 800, clock);
    expect(maxInAnyWindow(times)).toBeLessThanOrEqual(94);
  });

  it('catches up after late timers instead of drifting below the pace', async () => {
    const clock = virtualClock();
    let n = 0;
    clock.jitter(() => (n++ % 2 === 0 ? 3 : 0));
    const { times } = await grantTimes(100, 1000, clock, 4);
    const span = Math.max(...times) - Math.min(...times);
    expect(span).toBeLessThan(10_700);
    expect(maxInAnyWindow(times)).toBeLessThanOrEqual(94);
  });

  it('keeps every second at the server at or under 98 % when trips there vary by up to 30 ms', async () => {
    const clock = virtualClock();
    let n = 0;
    // Late timers make catch-up bursts; the window guard would echo each burst a second later.
    clock.jitter(() => (n++ % 11 === 0 ? 60 : 0));
    const { times } = await grantTimes(100, 3000, clock);
    // The worst case for a burst: its first requests take the slow path, the rest the fast one.
    const arrivals = times.map((t, i) => t + (i % 5 === 0 ? 30 : 0));
    expect(maxInAnyWindow(arrivals)).toBeLessThanOrEqual(98);
    for (let seed = 1; seed <= 20; seed++) {
      let x = seed;
      const random = () => ((x = (x * 48271) % 2147483647) / 2147483647);
      expect(maxInAnyWindow(times.map((t) => t + random() * 30))).toBeLessThanOrEqual(98);
    }
  });

  it('honours a low ceiling', async () => {
    const clock = virtualClock();
    const { times } = await grantTimes(3, 20, clock, 4);
    expect(maxInAnyWindow(times)).toBeLessThanOrEqual(2);
  });

  it('grants nothing during a back-off and resumes paced afterwards', async () => {
    const clock = virtualClock();
    const limiter = createRateLimiter(100, clock);
    await limiter.acquire();
    const backOffAt = clock.now();
    limiter.backOff(2000);
    const times: number[] = [];
    await Promise.all(
      Array.from({ length: 10 }, async () => {
        await limiter.acquire();
        times.push(clock.now());
      }),
    );
    expect(Math.min(...times)).toBeGreaterThanOrEqual(backOffAt + 2000);
    expect(Math.max(...times) - Math.min(...times)).toBeGreaterThanOrEqual(9 * 10);
  });
});
