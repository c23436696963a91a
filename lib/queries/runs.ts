import 'server-only';
import type { RunSummary, UserFilter } from '../db/runs';
import { presentFailureGroup, presentUser } from '../results/present';
import { RUNS_PAGE_SIZE } from '../results/run-view';
import type { UseCaseContext } from '../use-cases/context';

export function recentRuns(ctx: UseCaseContext, opts: { appId?: string } = {}): Promise<RunSummary[]> {
  return ctx.store.runs.list({ limit: RUNS_PAGE_SIZE, appId: opts.appId });
}

/** Background runs still going: a reopened tab or another browser sees the same live jobs. */
export function liveBackgroundRuns(ctx: UseCaseContext): Promise<RunSummary[]> {
  return ctx.store.runs.listRunning(['csv', 'retry']);
}

export function runById(ctx: UseCaseContext, runId: number): Promise<RunSummary | null> {
  return ctx.store.runs.get(runId);
}

/** What the progress bar polls: one row, the rate and the time left, no per-user data. */
export async function runStatus(ctx: UseCaseContext, runId: number) {
  const run = await ctx.store.runs.get(runId);
  if (!run) return null;
  const rate = run.status === 'running' ? ctx.worker.rate(run.id) : null;
  return { run, rate, etaSeconds: rate ? Math.ceil(run.pending / rate) : null };
}

export async function runResults(ctx: UseCaseContext, run: RunSummary, opts: { afterSeq: number; limit: number; filter: UserFilter }) {
  const [users, groups] = await Promise.all([
    ctx.store.runs.users(run.id, { afterSeq: opts.afterSeq, limit: opts.limit + 1, filter: opts.filter }),
    ctx.store.runs.failureGroups(run.id),
  ]);
  const page = users.slice(0, opts.limit);
  return {
    rows: page.map((u) => presentUser(u, run)),
    nextAfter: users.length > opts.limit ? page[page.length - 1]!.seq : null,
    groups: groups.map(presentFailureGroup),
  };
}

export type { RunSummary } from '../db/runs';
