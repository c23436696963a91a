import { describe, expect, it } from 'vitest';
import { timFailure } from '../tim/outcomes';
import { tallyOutcomes } from './tally';

describe('tallyOutcomes', () => {
  it('counts each user once by how it ended, and failures by key with the first failure seen', () => {
    const tally = tallyOutcomes([
      { status: 'removed', attrs: ['city'], values: { city: 'sz' } },
      { status: 'nothing_to_remove', attrs: ['city'], values: {} },
      { status: 'failed', failure: timFailure(70107, 'first words') },
      { status: 'failed', failure: timFailure(70107, 'other words') },
      { status: 'failed', failure: timFailure(91000, 'busy') },
    ]);
    expect(tally).toMatchObject({ succeeded: 1, nothingToRemove: 1, skipped: 0, failed: 3, withValues: 1, finished: 5 });
    expect(tally.failures.map((f) => [f.failure.code, f.failure.info, f.count])).toEqual([
      [70107, 'first words', 2],
      [91000, 'busy', 1],
    ]);
  });

  it('counts per attribute the users asked about it and those who had a value', () => {
    const tally = tallyOutcomes([
      { status: 'checked', attrs: ['city', 'tier'], values: { city: 'sz' } },
      { status: 'checked', attrs: ['city'], values: { city: 'bj' } },
      { status: 'checked', attrs: ['tier'], values: {} },
    ]);
    expect(tally.attrs).toEqual([
      { attr: 'city', asked: 2, withValue: 2 },
      { attr: 'tier', asked: 2, withValue: 0 },
    ]);
    expect(tally.withValues).toBe(2);
  });

  it("does not count a restore's written-back values as values found, but does count a skipped user's", () => {
    const tally = tallyOutcomes([
      { status: 'restored', values: { city: 'sz' } },
      { status: 'skipped', values: { city: 'gz' } },
    ]);
    expect(tally).toMatchObject({ succeeded: 1, skipped: 1, withValues: 1, finished: 2 });
  });

  it('is all zeros for no users', () => {
    expect(tallyOutcomes([])).toEqual({ succeeded: 0, skipped: 0, nothingToRemove: 0, failed: 0, withValues: 0, finished: 0, failures: [], attrs: [] });
  });
});
