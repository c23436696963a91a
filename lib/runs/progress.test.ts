import { describe, expect, it } from 'vitest';
import { PROGRESS_SECONDS, rateOf, type ProgressSecond } from './progress';

describe('rateOf', () => {
  /** Seconds as the store keeps them, from batches of `users` users recorded at each time (ms). */
  function secondsOf(batches: { atMs: number; users: number }[]): ProgressSecond[] {
    const bySecond = new Map<number, ProgressSecond>();
    for (const b of batches) {
      const second = Math.floor(b.atMs / 1000);
      const s = bySecond.get(second);
      if (s) {
        s.users += b.users;
        s.lastMs = b.atMs;
      } else bySecond.set(second, { second, firstMs: b.atMs, firstUsers: b.users, lastMs: b.atMs, users: b.users });
    }
    return [...bySecond.values()];
  }
  const every = (stepMs: number, count: number, users: number, fromMs = 0) => Array.from({ length: count }, (_, i) => ({ atMs: fromMs + i * stepMs, users }));

  it('is the users finished after the first batch over the time since it, and nothing before two batches', () => {
    expect(rateOf([], 10_000)).toBeNull();
    expect(rateOf(secondsOf([{ atMs: 1_000, users: 100 }]), 3_000)).toBeNull();
    // 100 users every 100 ms: 1,000 users a second.
    expect(rateOf(secondsOf(every(100, 50, 100, 1_000)), 5_900)).toBeCloseTo(1_000, 6);
  });

  it('falls while a run stalls, and forgets seconds older than the window', () => {
    const steady = secondsOf(every(100, 50, 100, 1_000));
    expect(rateOf(steady, 5_900 + 4_900)).toBeCloseTo(500, 6);
    const slower = secondsOf([...every(100, 200, 100, 0), ...every(100, 300, 10, 20_000)]);
    expect(rateOf(slower, 49_900)).toBeLessThan(105);
    expect(rateOf(slower, 49_900)).toBeGreaterThan(95);
  });

  it(`measures over at most ${PROGRESS_SECONDS} seconds`, () => {
    const old = { second: 0, firstMs: 0, firstUsers: 1_000_000, lastMs: 999, users: 1_000_000 };
    expect(rateOf([old, ...secondsOf(every(1_000, 10, 50, 100_000))], 109_000)).toBeCloseTo(50, 6);
  });
});
