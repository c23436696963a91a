import { describe, expect, it } from 'vitest';
import { ProgressTracker } from './progress';

describe('ProgressTracker', () => {
  it('reports recent users per second, and nothing before there is a measurement', () => {
    let now = 0;
    const p = new ProgressTracker(() => now);
    expect(p.rate()).toBeNull();
    for (let i = 0; i < 10; i++) {
      now += 1000;
      p.add(500);
    }
    expect(p.rate()).toBeCloseTo(500, 0);
  });

  it('forgets old samples, so the rate follows a slowdown', () => {
    let now = 0;
    const p = new ProgressTracker(() => now);
    for (let i = 0; i < 20; i++) {
      now += 1000;
      p.add(1000);
    }
    for (let i = 0; i < 30; i++) {
      now += 1000;
      p.add(100);
    }
    expect(p.rate()!).toBeLessThan(150);
  });
});
