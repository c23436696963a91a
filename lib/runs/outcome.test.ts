import { describe, expect, it } from 'vitest';
import { failureShares, outcomeParts, usersMatching, type OutcomeCounts } from './outcome';

const base: OutcomeCounts = { kind: 'remove', total: 0, succeeded: 0, nothingToRemove: 0, skipped: 0, failed: 0, notSent: 0, pending: 0, withValues: 0 };

describe('outcome parts', () => {
  it('shows a cancelled removal as what went and what was never sent, adding up to its users', () => {
    const parts = outcomeParts({ ...base, total: 20_000, succeeded: 4_000, nothingToRemove: 600, notSent: 15_400 });
    expect(parts).toEqual([
      { segment: 'removed', count: 4_000, percent: 20 },
      { segment: 'nothingToRemove', count: 600, percent: 3 },
      { segment: 'notSent', count: 15_400, percent: 77 },
    ]);
  });

  it('splits a dry run into users with a value, without one, and unknown users apart from other failures', () => {
    const parts = outcomeParts({ ...base, kind: 'check', total: 20_000, succeeded: 2_000, withValues: 1_996, failed: 18_000 }, 17_990);
    expect(parts.map((p) => [p.segment, p.count])).toEqual([
      ['withValue', 1_996],
      ['noValue', 4],
      ['unknownUser', 17_990],
      ['failed', 10],
    ]);
    expect(parts.find((p) => p.segment === 'noValue')?.percent).toBe(0.1);
  });

  it('counts a restore as restored and skipped', () => {
    expect(outcomeParts({ ...base, kind: 'restore', total: 3, succeeded: 1, skipped: 1, pending: 1 }).map((p) => p.segment)).toEqual(['restored', 'skipped', 'pending']);
  });
});

describe('failureShares', () => {
  it('orders the reasons largest first, with their share of all failures', () => {
    const shares = failureShares([
      { key: '91000', count: 150 },
      { key: '70107', count: 18_000 },
      { key: 'timeout', count: 1 },
    ]);
    expect(shares.map((s) => [s.key, s.percent])).toEqual([
      ['70107', 99.2],
      ['91000', 0.8],
      ['timeout', 0.1],
    ]);
  });
});

describe('usersMatching', () => {
  const run: OutcomeCounts = { ...base, total: 100, succeeded: 60, nothingToRemove: 10, failed: 20, notSent: 7, pending: 3 };
  const groups = [
    { key: '70107', count: 15 },
    { key: 'http-502', count: 5 },
  ];

  it('counts a result filter from the run’s counters', () => {
    expect(usersMatching(run, undefined, '', groups)).toBe(100);
    expect(usersMatching(run, 'removed', '', groups)).toBe(60);
    expect(usersMatching(run, 'nothing_to_remove', '', groups)).toBe(10);
    expect(usersMatching(run, 'failed', '', groups)).toBe(20);
    expect(usersMatching(run, 'not_sent', '', groups)).toBe(7);
    expect(usersMatching(run, 'pending', '', groups)).toBe(3);
  });

  it('counts one failure group from its row, and none for a group the run does not have', () => {
    expect(usersMatching(run, 'failed', 'http-502', groups)).toBe(5);
    expect(usersMatching(run, undefined, '60007', groups)).toBe(0);
  });
});
