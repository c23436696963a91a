import { describe, expect, it } from 'vitest';
import { createLane, type Place } from './lanes';

const started = async (places: (Place | null)[]) => {
  const seen: number[] = [];
  places.forEach((p, i) => void p?.turn.then(() => seen.push(i)));
  await new Promise((resolve) => setImmediate(resolve));
  return seen;
};

describe('createLane', () => {
  it('runs up to its limit, lines up the next ones, and turns the rest away at once', async () => {
    const lane = createLane({ running: 2, waiting: 2 });
    const places = Array.from({ length: 6 }, () => lane.enter());
    expect(places.map((p) => p !== null)).toEqual([true, true, true, true, false, false]);
    expect(await started(places)).toEqual([0, 1]);
  });

  it('starts the first in line when a running place leaves, once however often it leaves', async () => {
    const lane = createLane({ running: 1, waiting: 3 });
    const a = lane.enter()!;
    const [b, c, d] = [lane.enter(), lane.enter(), lane.enter()];
    a.leave();
    a.leave();
    expect(await started([b, c, d])).toEqual([0]);
    expect(lane.enter()).not.toBeNull();
    expect(lane.enter()).toBeNull();
  });

  it('frees a place in line that leaves before its turn, without starting it', async () => {
    const lane = createLane({ running: 1, waiting: 1 });
    const a = lane.enter()!;
    const b = lane.enter()!;
    expect(lane.enter()).toBeNull();
    b.leave();
    const c = lane.enter()!;
    expect(c).not.toBeNull();
    a.leave();
    expect(await started([b, c])).toEqual([1]);
  });
});
