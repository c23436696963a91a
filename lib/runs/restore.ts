import type { Attrs } from '../tim/wire';
import type { RunStatus, UserResult } from './state-machine';
import type { RestoreState, RunSummary } from './types';

/** A restore made from a removal, as its removal's restore state counts it. */
export interface RestoreChild {
  id: number;
  status: RunStatus;
  /** Its users restored or skipped: settled, never written back again. */
  settled: number;
}

/** Results of an earlier restore that settle a user: written back, or left alone because it has a value again. */
const SETTLED_BY_RESTORE: readonly UserResult[] = ['restored', 'skipped'];

/**
 * Whether a removal's user is one a restore may write back: removed with a recorded value, and
 * not settled by an earlier restore of the same removal (a failed or unsent one is tried again).
 */
export function isRestorable(user: { result: UserResult; values: Attrs | null }, earlierRestores: readonly UserResult[]): boolean {
  if (user.result !== 'removed' || user.values === null || Object.keys(user.values).length === 0) return false;
  return !earlierRestores.some((r) => SETTLED_BY_RESTORE.includes(r));
}

/**
 * Why a removal offers no restore, or how many of its users one would write back. From counters,
 * never a count of rows: constant cost for a ten-million-user removal. The size is an estimate the
 * copy corrects (a restore's total becomes what it copied).
 */
export function restoreStateFrom(removal: Pick<RunSummary, 'kind' | 'status' | 'withValues' | 'valuesPurgedAt'>, restores: readonly RestoreChild[]): RestoreState {
  if (removal.kind !== 'remove') return { kind: 'none', reason: 'not-a-removal', restoreRunIds: [] };
  if (removal.status === 'running') return { kind: 'none', reason: 'still-running', restoreRunIds: [] };
  const restoreRunIds = restores.map((r) => r.id);
  const going = restores.find((r) => r.status === 'running');
  if (going) return { kind: 'in-progress', restoreRunId: going.id };
  if (removal.withValues === 0) return { kind: 'none', reason: 'no-values', restoreRunIds };
  if (removal.valuesPurgedAt !== null) return { kind: 'none', reason: 'purged', purgedAt: removal.valuesPurgedAt, restoreRunIds };
  const users = removal.withValues - restores.reduce((sum, r) => sum + r.settled, 0);
  return users > 0 ? { kind: 'restorable', users, restoreRunIds } : { kind: 'none', reason: 'all-restored', restoreRunIds };
}
