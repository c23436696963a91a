import 'server-only';
import { hasRole } from '../auth/roles';
import { rateOf } from '../runs/progress';
import type { AttrCount, RestoreState, RunSummary, UserFilter } from '../runs/types';
import { currentValues, formatValues, presentFailureGroup, presentRun, presentUser, type CurrentValue, type ResultRow } from '../results/present';
import { RUNS_PAGE_SIZE } from '../results/run-view';
import type { UseCaseContext } from '../use-cases/context';

export async function recentRuns(ctx: UseCaseContext, opts: { appId?: string } = {}): Promise<RunSummary[]> {
  return (await ctx.store.runs.list({ limit: RUNS_PAGE_SIZE, appId: opts.appId })).map(presentRun);
}

/** Background runs still going: a reopened tab or another browser sees the same live jobs. */
export async function liveBackgroundRuns(ctx: UseCaseContext): Promise<RunSummary[]> {
  return (await ctx.store.runs.listRunning(['csv', 'retry'])).map(presentRun);
}

export async function runById(ctx: UseCaseContext, runId: number): Promise<RunSummary | null> {
  const run = await ctx.store.runs.get(runId);
  return run && presentRun(run);
}

/**
 * What the progress bar polls: one row, the rate and the time left, no per-user data. The rate is
 * measured from the batches recorded in the store, so every process shows the same one.
 */
export async function runStatus(ctx: UseCaseContext, runId: number) {
  const run = await ctx.store.runs.get(runId);
  if (!run) return null;
  const rate = run.status === 'running' ? rateOf(await ctx.store.runs.progress(run.id), ctx.clock.nowMs()) : null;
  return { run: presentRun(run), rate, etaSeconds: rate ? Math.ceil(run.pending / rate) : null };
}

/** Kept values are attribute values of real users: operators and admins see them, viewers never receive them. */
export function canSeeValues(ctx: UseCaseContext): boolean {
  return hasRole(ctx.actor.role, 'operator');
}

/** A results row, with the Before column's text for those who may see it, and its failure group's key. */
export type RunResultRow = ResultRow & { before?: string; failureKey?: string };

export async function runResults(ctx: UseCaseContext, run: RunSummary, opts: { afterSeq: number; limit: number; filter: UserFilter }) {
  const [users, groups] = await Promise.all([
    ctx.store.runs.users(run.id, { afterSeq: opts.afterSeq, limit: opts.limit + 1, filter: opts.filter }),
    ctx.store.runs.failureGroups(run.id),
  ]);
  const page = users.slice(0, opts.limit);
  const withBefore = run.kind === 'remove' && canSeeValues(ctx);
  return {
    rows: page.map(
      (u): RunResultRow => ({
        ...presentUser(u, run, ctx.messages),
        ...(withBefore ? { before: formatValues(u.values) } : {}),
        ...(u.failure ? { failureKey: u.failure.key } : {}),
      }),
    ),
    nextAfter: users.length > opts.limit ? page[page.length - 1]!.seq : null,
    groups: groups.map((g) => presentFailureGroup(g, ctx.messages)),
  };
}

/**
 * A dry run's result: counts per attribute for everyone, and the User / Attribute / Current value
 * rows, a page of users at a time (or one user), for operators and admins only.
 */
export async function checkResults(
  ctx: UseCaseContext,
  run: RunSummary,
  opts: { afterSeq: number; limit: number; userId?: string },
): Promise<{ counts: AttrCount[]; values: CurrentValue[] | null; nextAfter: number | null }> {
  const counts = await ctx.store.runs.attrCounts(run.id);
  if (!canSeeValues(ctx)) return { counts, values: null, nextAfter: null };
  const users = await ctx.store.runs.users(run.id, { afterSeq: opts.afterSeq, limit: opts.limit + 1, filter: { result: 'checked', userId: opts.userId } });
  const page = users.slice(0, opts.limit);
  return {
    counts,
    values: page.flatMap((u) => currentValues(u.userId, u.attrs, u.values)),
    nextAfter: users.length > opts.limit ? page[page.length - 1]!.seq : null,
  };
}

export function restoreStateOf(ctx: UseCaseContext, run: RunSummary): Promise<RestoreState> {
  return ctx.store.runs.restoreState(run);
}

export type { AttrCount, RestoreState, RunSummary } from '../runs/types';
