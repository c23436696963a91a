import { describe, expect, it } from 'vitest';
import { ORDERS, parseOrders, rowOrder, scatter } from './orders';

const usersOf = (order: (typeof ORDERS)[number], rows: number) => {
  const o = rowOrder(order, rows);
  return { ...o, list: Array.from({ length: rows }, (_, i) => o.userAt(i + 1)) };
};

describe('scatter', () => {
  it.each([1, 2, 3, 5, 16, 17, 1000, 65_537])('is a permutation of 0 … %i − 1', (n) => {
    const at = scatter(n);
    const seen = new Set(Array.from({ length: n }, (_, i) => at(i)));
    expect(seen.size).toBe(n);
    expect(Math.min(...seen)).toBe(0);
    expect(Math.max(...seen)).toBe(n - 1);
  });

  it('puts neighbouring indexes far apart, the same way every time', () => {
    const n = 100_000;
    const at = scatter(n);
    const gaps = Array.from({ length: n - 1 }, (_, i) => Math.abs(at(i + 1) - at(i))).sort((a, b) => a - b);
    // A random permutation's median gap is about n × (1 − 1/√2) ≈ 0.29 n.
    expect(gaps[Math.floor(gaps.length / 2)]).toBeGreaterThan(n / 5);
    expect(gaps.filter((g) => g <= 10).length).toBeLessThan(n / 1000);
    expect(Array.from({ length: 5 }, (_, i) => scatter(n)(i))).toEqual(Array.from({ length: 5 }, (_, i) => at(i)));
  });

  it('refuses what it cannot permute', () => {
    expect(() => scatter(0)).toThrow();
    expect(() => scatter(2 ** 30 + 1)).toThrow();
  });
});

describe('rowOrder', () => {
  it('sorted, reversed and scattered name every user once', () => {
    expect(usersOf('sorted', 5).list).toEqual([1, 2, 3, 4, 5]);
    expect(usersOf('reversed', 5).list).toEqual([5, 4, 3, 2, 1]);
    const scattered = usersOf('scattered', 1000);
    expect(new Set(scattered.list).size).toBe(1000);
    expect(scattered.list.slice(0, 10)).not.toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    for (const o of [scattered, usersOf('sorted', 7), usersOf('reversed', 7)]) expect([o.users, o.repeatedRows]).toEqual([o.rows, 0]);
  });

  it.each([9, 10, 11, 1000, 12_345])('repeats: of %i rows, every 10th repeats an earlier user, and the counts say so', (rows) => {
    const o = usersOf('repeats', rows);
    const seen = new Set<number>();
    let repeats = 0;
    o.list.forEach((user, i) => {
      if (seen.has(user)) {
        repeats++;
        expect(i % 10).toBe(9);
      }
      seen.add(user);
    });
    expect(repeats).toBe(Math.floor(rows / 10));
    expect([o.users, o.repeatedRows]).toEqual([seen.size, repeats]);
    expect(Math.max(...seen)).toBe(o.users);
  });

  it('repeats are scattered over the users seen before, not the last one', () => {
    const o = usersOf('repeats', 100_000);
    const firstAt = new Map<number, number>();
    o.list.forEach((user, i) => firstAt.has(user) || firstAt.set(user, i));
    const distances = o.list.flatMap((user, i) => (i % 10 === 9 ? [i - firstAt.get(user)!] : [])).sort((a, b) => a - b);
    expect(distances[Math.floor(distances.length / 2)]).toBeGreaterThan(10_000);
  });
});

describe('parseOrders', () => {
  it('takes a subset in the bench order, all when unset, and refuses unknown names', () => {
    expect(parseOrders(undefined)).toEqual([...ORDERS]);
    expect(parseOrders(' scattered, sorted ')).toEqual(['sorted', 'scattered']);
    expect(() => parseOrders('sorted,shuffled')).toThrow(/shuffled/);
  });
});
