import type { Failure } from '../tim/outcomes';
import type { Attrs } from '../tim/wire';

/** How one user of a batch ended, as far as the run's counters care. */
export type TalliedOutcome =
  | { status: 'failed'; failure: Failure }
  | { status: 'removed' | 'nothing_to_remove' | 'checked' | 'restored' | 'skipped'; attrs?: readonly string[]; values?: Attrs };

/** What a batch adds to its run's counters: the store adds these to what it keeps, nothing more. */
export interface Tally {
  /** Removed, checked or restored: the run's kind says which. */
  succeeded: number;
  skipped: number;
  nothingToRemove: number;
  failed: number;
  /** Users found with a value of an attribute asked about: what a dry run reports and a restore may write back. */
  withValues: number;
  /** Every user counted above: the users the batch finished. */
  finished: number;
  /** Failed users by failure key, with the failure as first seen. */
  failures: { failure: Failure; count: number }[];
  /** Per attribute: users asked about it, and those of them who had a value. */
  attrs: { attr: string; asked: number; withValue: number }[];
}

/** The counter a finished user adds one to. */
export type Counter = 'succeeded' | 'skipped' | 'nothingToRemove' | 'failed';

/** What one finished user adds to its run's counters. A store that sums these itself (in one statement) sums them over the users it moved. */
export interface UserCount {
  counter: Counter;
  withValues: boolean;
  /** The attributes the user was asked about, each with whether it had a value. */
  attrs: { attr: string; withValue: boolean }[];
}

export function countUser(o: TalliedOutcome): UserCount {
  if (o.status === 'failed') return { counter: 'failed', withValues: false, attrs: [] };
  const counter: Counter = o.status === 'skipped' ? 'skipped' : o.status === 'nothing_to_remove' ? 'nothingToRemove' : 'succeeded';
  // A restore's values are what it wrote back, not values found on the user.
  const withValues = o.values !== undefined && o.status !== 'restored' && Object.keys(o.values).length > 0;
  return { counter, withValues, attrs: (o.attrs ?? []).map((attr) => ({ attr, withValue: o.values?.[attr] !== undefined })) };
}

/**
 * Counts the users a batch finished. Only users the store actually moved out of pending may be
 * passed: a batch recorded twice must not count twice.
 */
export function tallyOutcomes(outcomes: Iterable<TalliedOutcome>): Tally {
  const tally: Tally = { succeeded: 0, skipped: 0, nothingToRemove: 0, failed: 0, withValues: 0, finished: 0, failures: [], attrs: [] };
  const byKey = new Map<string, { failure: Failure; count: number }>();
  const byAttr = new Map<string, { attr: string; asked: number; withValue: number }>();
  for (const o of outcomes) {
    const c = countUser(o);
    tally.finished++;
    tally[c.counter]++;
    if (c.withValues) tally.withValues++;
    if (o.status === 'failed') {
      const group = byKey.get(o.failure.key);
      if (group) group.count++;
      else byKey.set(o.failure.key, { failure: o.failure, count: 1 });
    }
    for (const { attr, withValue } of c.attrs) {
      let counts = byAttr.get(attr);
      if (!counts) byAttr.set(attr, (counts = { attr, asked: 0, withValue: 0 }));
      counts.asked++;
      if (withValue) counts.withValue++;
    }
  }
  tally.failures = [...byKey.values()];
  tally.attrs = [...byAttr.values()];
  return tally;
}
