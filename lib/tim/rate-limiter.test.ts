import { describe, expect, it } from 'vitest';
import { createRateLimiter, type Clock, type RateLimiter } from './rate-limiter';

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

/** Park–Miller: a seeded source, so a failing case replays. */
function seeded(seed: number): () => number {
  let x = seed;
  return () => (x = (x * 48271) % 2147483647) / 2147483647;
}

/** The most stamps in any window [t, t + windowMs). */
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

interface Span {
  grant: number;
  release: number;
}

/**
 * What the worst server could count in one second: it may stamp each request anywhere between its
 * grant and its release. A window's requests all have grant ≤ that of its last-granted one, g, and
 * release > its start > g − 1 s; the window just after g − 1 s meets every such span.
 */
function worstServerCount(spans: Span[], windowMs = 1000): number {
  const byGrant = [...spans].sort((a, b) => a.grant - b.grant);
  let best = 0;
  for (let j = 0; j < byGrant.length; j++) {
    const g = byGrant[j]!.grant;
    let n = 0;
    for (let i = 0; i <= j; i++) if (byGrant[i]!.release > g - windowMs) n++;
    best = Math.max(best, n);
  }
  return best;
}

/**
 * A server on the virtual clock that stops now and then (a GC pause, a stalled proxy) for 55–200 ms:
 * whatever arrives during a stop is stamped when it ends, all together. Its stamps are what it counts.
 */
function pausingServer(clock: Clock, random: () => number) {
  const pauses: { from: number; to: number }[] = [];
  for (let at = clock.now() + 300; pauses.length < 400; ) {
    const length = 55 + random() * 145;
    pauses.push({ from: at, to: at + length });
    at += length + 150 + random() * 1200;
  }
  const stamps: number[] = [];
  return {
    stamps,
    async call() {
      await clock.sleep(1 + random() * 15);
      const pause = pauses.find((p) => p.from <= clock.now() && clock.now() < p.to);
      if (pause) await clock.sleep(pause.to - clock.now());
      stamps.push(clock.now());
      // Work and the way back; now and then a reply is very slow.
      await clock.sleep(1 + random() * 15 + (random() < 0.03 ? 100 + random() * 900 : 0));
    },
  };
}

/** Lanes that each take a permit, call, release, until `permits` have been used. */
async function drive(limiter: RateLimiter, clock: Clock, permits: number, call: () => Promise<void>, lanes = 8): Promise<Span[]> {
  const spans: Span[] = [];
  let left = permits;
  await Promise.all(
    Array.from({ length: lanes }, async () => {
      while (left-- > 0) {
        const permit = await limiter.acquire();
        const grant = clock.now();
        try {
          await call();
        } finally {
          permit.release();
        }
        spans.push({ grant, release: clock.now() });
      }
    }),
  );
  return spans;
}

const replyAfter = (clock: Clock, ms: number) => () => clock.sleep(ms);

describe('createRateLimiter', () => {
  it('keeps every second at a server that pauses 55–200 ms at or under the ceiling', async () => {
    for (let seed = 1; seed <= 5; seed++) {
      const clock = virtualClock();
      const random = seeded(seed);
      const server = pausingServer(clock, random);
      // Lanes enough that a pause never starves the budget: as many as possible bunch up in it.
      const spans = await drive(createRateLimiter(100, clock), clock, 3000, () => server.call(), 32);
      expect(maxInAnyWindow(server.stamps)).toBeLessThanOrEqual(100);
      expect(worstServerCount(spans)).toBeLessThanOrEqual(100);
      // Never more granted in a second, nor in flight at once, than the ceiling.
      expect(maxInAnyWindow(spans.map((s) => s.grant))).toBeLessThanOrEqual(100);
    }
  });

  it('holds with late timers too: the bound is on what was granted and released, not on the schedule', async () => {
    const clock = virtualClock();
    const random = seeded(7);
    let n = 0;
    clock.jitter(() => (n++ % 7 === 0 ? 180 : 0));
    const server = pausingServer(clock, random);
    const spans = await drive(createRateLimiter(100, clock), clock, 2000, () => server.call());
    expect(maxInAnyWindow(server.stamps)).toBeLessThanOrEqual(100);
    expect(worstServerCount(spans)).toBeLessThanOrEqual(100);
  });

  it('paces at ceiling / (1 + round trip): about 98 % at 20 ms', async () => {
    const clock = virtualClock();
    const spans = await drive(createRateLimiter(100, clock), clock, 3000, replyAfter(clock, 20));
    const grants = spans.map((s) => s.grant);
    const span = Math.max(...grants) - Math.min(...grants);
    // 100 permits per 1,001 ms + 20 ms once the first second is used: 3,000 take about 29.6 s.
    expect(3000 / (span / 1000)).toBeGreaterThan(97.5);
  });

  it('paces at about 83 % at 200 ms, given lanes enough to keep 17 in flight', async () => {
    const clock = virtualClock();
    const spans = await drive(createRateLimiter(100, clock), clock, 2000, replyAfter(clock, 200), 20);
    const grants = spans.map((s) => s.grant);
    const rate = 2000 / ((Math.max(...grants) - Math.min(...grants)) / 1000);
    expect(rate).toBeGreaterThan(82);
    expect(rate).toBeLessThan(85);
  });

  it('spreads grants over the second rather than sending a second’s worth at once', async () => {
    const clock = virtualClock();
    const spans = await drive(createRateLimiter(100, clock), clock, 300, replyAfter(clock, 5), 50);
    const grants = spans.map((s) => s.grant);
    // A burst of 10 % of the ceiling, then its rate: 10 per 100 ms.
    expect(maxInAnyWindow(grants, 1)).toBeLessThanOrEqual(10);
    expect(maxInAnyWindow(grants, 100)).toBeLessThanOrEqual(20);
    expect(maxInAnyWindow(grants, 500)).toBeLessThanOrEqual(60);
  });

  it('keeps a slot for a request with no reply yet, however long it takes', async () => {
    const clock = virtualClock();
    const limiter = createRateLimiter(3, clock);
    const hung = await limiter.acquire();
    const hungAt = clock.now();
    const spans = await drive(limiter, clock, 6, replyAfter(clock, 10), 2);
    hung.release();
    spans.push({ grant: hungAt, release: clock.now() });
    expect(worstServerCount(spans)).toBeLessThanOrEqual(3);
    // Two slots left for 6 permits: each frees 1 s after its release, so it takes over 2 s.
    expect(Math.max(...spans.map((s) => s.grant)) - hungAt).toBeGreaterThan(2000);
  });

  it('honours a low ceiling', async () => {
    const clock = virtualClock();
    const spans = await drive(createRateLimiter(3, clock), clock, 20, replyAfter(clock, 30), 4);
    expect(worstServerCount(spans)).toBeLessThanOrEqual(3);
  });

  it('counts a permit released twice once', async () => {
    const clock = virtualClock();
    const limiter = createRateLimiter(2, clock);
    const first = await limiter.acquire();
    first.release();
    first.release();
    const start = clock.now();
    await limiter.acquire();
    expect(clock.now() - start).toBeLessThan(1000);
  });

  it('slows the whole budget by 10 % after a 60007, then recovers', async () => {
    const clock = virtualClock();
    const limiter = createRateLimiter(100, clock);
    const grants: number[] = [];
    let cutAt = 0;
    let left = 4000;
    await Promise.all(
      Array.from({ length: 8 }, async () => {
        while (left-- > 0) {
          const permit = await limiter.acquire();
          const grantedAt = clock.now();
          const n = grants.push(grantedAt);
          await clock.sleep(20);
          permit.release();
          // The 500th request and those in flight with it are rejected: one cut, not several.
          if (n >= 500 && (cutAt === 0 || grantedAt < cutAt)) {
            cutAt ||= clock.now();
            permit.rateLimited();
          }
        }
      }),
    );
    const inSecond = (from: number) => grants.filter((t) => t >= from && t < from + 1000).length;
    const before = inSecond(cutAt - 2000);
    expect(before).toBeGreaterThanOrEqual(97);
    // Held at 90 for 5 s (the first second still holds the old pace's releases).
    for (let s = 1; s < 5; s++) {
      expect(inSecond(cutAt + s * 1000)).toBeLessThanOrEqual(90);
      expect(inSecond(cutAt + s * 1000)).toBeGreaterThanOrEqual(86);
    }
    // Then back to the full pace within about 5 s more.
    expect(inSecond(cutAt + 12_000)).toBeGreaterThanOrEqual(97);
  });

  it('cuts again for a 60007 to a request sent after the last cut, down to 10 % at most', async () => {
    const clock = virtualClock();
    const limiter = createRateLimiter(100, clock);
    const grants: number[] = [];
    let left = 600;
    await Promise.all(
      Array.from({ length: 8 }, async () => {
        while (left-- > 0) {
          const permit = await limiter.acquire();
          grants.push(clock.now());
          await clock.sleep(20);
          permit.release();
          permit.rateLimited();
        }
      }),
    );
    const last = Math.max(...grants);
    expect(grants.filter((t) => t > last - 1000).length).toBeLessThanOrEqual(10);
    expect(grants.filter((t) => t > last - 1000).length).toBeGreaterThanOrEqual(8);
  });
});
