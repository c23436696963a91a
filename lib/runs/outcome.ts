import type { RunKind, UserResult } from './state-machine';

/** The parts of a run's users the outcome bar shows, in the order they are drawn. */
export const OUTCOME_SEGMENTS = ['removed', 'nothingToRemove', 'withValue', 'noValue', 'restored', 'skipped', 'unknownUser', 'failed', 'notSent', 'pending'] as const;
export type OutcomeSegment = (typeof OUTCOME_SEGMENTS)[number];

/** The run's own counters, never a count of its rows: a ten-million-user run is read in one row. */
export interface OutcomeCounts {
  kind: RunKind;
  total: number;
  succeeded: number;
  nothingToRemove: number;
  skipped: number;
  failed: number;
  notSent: number;
  pending: number;
  withValues: number;
}

export interface OutcomePart {
  segment: OutcomeSegment;
  count: number;
  /** Of the run's users, rounded to one decimal; parts that are not empty never show 0. */
  percent: number;
}

function percentOf(count: number, total: number): number {
  if (total === 0 || count === 0) return 0;
  return Math.max(0.1, Math.round((count / total) * 1000) / 10);
}

/**
 * A run's users split by outcome, non-empty parts only, adding up to its total. A dry run splits the
 * users it read into those with a value and those without, and its failures into unknown users
 * (`unknownUsers`, from the failure groups) and the rest.
 */
export function outcomeParts(run: OutcomeCounts, unknownUsers = 0): OutcomePart[] {
  const unknown = run.kind === 'check' ? Math.min(unknownUsers, run.failed) : 0;
  const counts: Record<OutcomeSegment, number> = {
    removed: run.kind === 'remove' ? run.succeeded : 0,
    nothingToRemove: run.kind === 'remove' ? run.nothingToRemove : 0,
    withValue: run.kind === 'check' ? run.withValues : 0,
    noValue: run.kind === 'check' ? run.succeeded - run.withValues : 0,
    restored: run.kind === 'restore' ? run.succeeded : 0,
    skipped: run.kind === 'restore' ? run.skipped : 0,
    unknownUser: unknown,
    failed: run.failed - unknown,
    notSent: run.notSent,
    pending: run.pending,
  };
  return OUTCOME_SEGMENTS.filter((s) => counts[s] > 0).map((segment) => ({ segment, count: counts[segment], percent: percentOf(counts[segment], run.total) }));
}

/** TIM's "account does not exist" (tim-api-facts.md): the failure a dry run counts as an unknown user. */
export const UNKNOWN_ACCOUNT_CODE = 70107;

/** Unknown users of a run, from its failure groups (a handful of counted rows). */
export function unknownUsersIn(groups: readonly { code: number | string | null; count: number }[]): number {
  return groups.filter((g) => Number(g.code) === UNKNOWN_ACCOUNT_CODE).reduce((n, g) => n + g.count, 0);
}

/** A run's failed users split by reason, largest first, each with its share of all failures. */
export function failureShares<G extends { key: string; count: number }>(groups: readonly G[]): (G & { percent: number })[] {
  const total = groups.reduce((sum, g) => sum + g.count, 0);
  return [...groups].sort((a, b) => b.count - a.count).map((g) => ({ ...g, percent: percentOf(g.count, total) }));
}

/** How many users a result filter (or one failure group) selects, from the run's counters and failure groups: never a count of rows. */
export function usersMatching(run: OutcomeCounts, result: UserResult | undefined, errorKey: string, groups: readonly { key: string; count: number }[]): number {
  if (errorKey) return groups.find((g) => g.key === errorKey)?.count ?? 0;
  switch (result) {
    case undefined:
      return run.total;
    case 'removed':
    case 'checked':
    case 'restored':
      return run.succeeded;
    case 'nothing_to_remove':
      return run.nothingToRemove;
    case 'skipped':
      return run.skipped;
    case 'failed':
      return run.failed;
    case 'not_sent':
      return run.notSent;
    case 'pending':
      return run.pending;
  }
}
