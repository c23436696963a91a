import 'server-only';
import type { RunSummary } from '../runs/types';
import type { ApiApps, ApiRun, ApiRunStatus } from '../schemas/api';
import type { UseCaseContext } from '../use-cases/context';
import { runStatus } from './runs';

export function apiApps(ctx: UseCaseContext): ApiApps {
  return { apps: ctx.apps.list().map(({ id, label, sdkAppId, region, envLabel }) => ({ id, label, sdkAppId, region, envLabel })) };
}

export function apiRun(run: RunSummary): ApiRun {
  const { id, kind, source, appId, status, createdAt, finishedAt, parentRunId, attrs, total, succeeded, nothingToRemove, skipped, failed, notSent, pending, withValues, cancelRequested, error } = run;
  return { id, kind, source, appId, status, createdAt, finishedAt, parentRunId, attrs, total, succeeded, nothingToRemove, skipped, failed, notSent, pending, withValues, cancelRequested, error };
}

export async function apiRunStatus(ctx: UseCaseContext, runId: number): Promise<ApiRunStatus | null> {
  const status = await runStatus(ctx, runId);
  return status && { run: apiRun(status.run), usersPerSecond: status.rate, etaSeconds: status.etaSeconds };
}
