import { describe, expect, it } from 'vitest';
import { createRateGate } from './rate-gate';

describe('createRateGate', () => {
  it('lets a burst through at once, then the rate, and refills no higher than the burst', () => {
    let now = 0;
    const gate = createRateGate({ perSecond: 10, burst: 3 }, () => now);
    expect([gate.take(), gate.take(), gate.take(), gate.take()]).toEqual([true, true, true, false]);
    now += 100;
    expect([gate.take(), gate.take()]).toEqual([true, false]);
    now += 60_000;
    expect([gate.take(), gate.take(), gate.take(), gate.take()]).toEqual([true, true, true, false]);
  });

  it('says how long until a refused take would pass', () => {
    let now = 0;
    const gate = createRateGate({ perSecond: 2, burst: 1 }, () => now);
    expect([gate.take(), gate.take()]).toEqual([true, false]);
    expect(gate.waitMs()).toBe(500);
    now += 500;
    expect(gate.take()).toBe(true);
  });
});
