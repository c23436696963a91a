import { describe, expect, it } from 'vitest';
import { retryPlan } from './retry';

describe('retryPlan', () => {
  it('takes every group a retry can fix and the users never sent, and leaves permanent failures out', () => {
    const plan = retryPlan(
      [
        { key: '70107', count: 5, handling: 'permanent' },
        { key: 'http-502', count: 3, handling: 'retry' },
        { key: '60007', count: 2, handling: 'rate-limited' },
      ],
      4,
    );
    expect(plan).toEqual({ keys: ['http-502', '60007'], users: 9 });
  });

  it('is empty when every failure is permanent and every user was sent', () => {
    expect(retryPlan([{ key: '70107', count: 5, handling: 'permanent' }], 0)).toEqual({ keys: [], users: 0 });
  });
});
