import 'server-only';
import type { AppSending, WorkerStatus } from '../jobs/worker';
import type { UseCaseContext } from '../use-cases/context';
import { appChoice, type AppChoice } from './apps';

/** What every page's frame shows a signed-in operator: the apps, the one acted on, and whether this process may send. */
export function shellFor(ctx: UseCaseContext): AppChoice & { worker: WorkerStatus } {
  return { ...appChoice(ctx), worker: ctx.worker.status() };
}

/** Who sends an app's runs, where each app has its own sending process (Postgres); null where one process sends all (SQLite). */
export function senderOf(status: WorkerStatus, appId: string): AppSending | null {
  if (status.role !== 'shared') return null;
  return status.apps.find((a) => a.appId === appId) ?? { appId, state: 'unowned' };
}

/** For a page about one app's run: who sends it. */
export function sendingOf(ctx: UseCaseContext, appId: string): AppSending | null {
  return senderOf(ctx.worker.status(), appId);
}

export type { AppSending, WorkerStatus } from '../jobs/worker';
