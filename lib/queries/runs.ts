import 'server-only';
import { failureGroups, findUserAcrossRuns, getRun, listRunningRuns, listRunUsers, listRuns, type RunSummary, type UserFilter } from '../db/runs';
import { presentFailureGroup, presentUser } from '../results/present';
import { RUNS_PAGE_SIZE } from '../results/run-view';
import type { UseCaseContext } from '../use-cases/context';

export function recentRuns(ctx: UseCaseContext, opts: { appId?: string } = {}): RunSummary[] {
  return listRuns(ctx.store, { limit: RUNS_PAGE_SIZE, appId: opts.appId });
}

/** Background runs still going: a reopened tab or another browser sees the same live jobs. */
export function liveBackgroundRuns(ctx: UseCaseContext): RunSummary[] {
  return listRunningRuns(ctx.store, ['csv', 'retry']);
}

export function runById(ctx: UseCaseContext, runId: number): RunSummary | null {
  return getRun(ctx.store, runId);
}

/** What the progress bar polls: one row, the rate and the time left, no per-user data. */
export function runStatus(ctx: UseCaseContext, runId: number) {
  const run = getRun(ctx.store, runId);
  if (!run) return null;
  const rate = run.status === 'running' ? ctx.worker.rate(run.id) : null;
  return { run, rate, etaSeconds: rate ? Math.ceil(run.pending / rate) : null };
}

export function runResults(ctx: UseCaseContext, run: RunSummary, opts: { afterSeq: number; limit: number; filter: UserFilter }) {
  const users = listRunUsers(ctx.store, run.id, { afterSeq: opts.afterSeq, limit: opts.limit + 1, filter: opts.filter });
  const page = users.slice(0, opts.limit);
  return {
    rows: page.map((u) => presentUser(u, run)),
    nextAfter: users.length > opts.limit ? page[page.length - 1]!.seq : null,
    groups: failureGroups(ctx.store, run.id).map(presentFailureGroup),
  };
}

/** Every run that included this exact user ID, newest first, with its outcome there. */
export function searchUser(ctx: UseCaseContext, userId: string) {
  return findUserAcrossRuns(ctx.store, userId).map(({ run, user }) => ({ run, attrs: user.attrs, row: presentUser(user, run) }));
}

export type { RunSummary } from '../db/runs';
