import 'server-only';
import { apiRun, type ApiApps, type ApiRunStatus } from '../schemas/api';
import type { UseCaseContext } from '../use-cases/context';
import { runStatus } from './runs';

export function apiApps(ctx: UseCaseContext): ApiApps {
  return { apps: ctx.apps.list().map(({ id, label, sdkAppId, region, envLabel }) => ({ id, label, sdkAppId, region, envLabel })) };
}

export async function apiRunStatus(ctx: UseCaseContext, runId: number): Promise<ApiRunStatus | null> {
  const status = await runStatus(ctx, runId);
  return status && { run: apiRun(status.run), usersPerSecond: status.rate, etaSeconds: status.etaSeconds };
}
