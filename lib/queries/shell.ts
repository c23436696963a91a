import 'server-only';
import type { WorkerStatus } from '../jobs/worker';
import type { UseCaseContext } from '../use-cases/context';
import { appChoice, type AppChoice } from './apps';

/** What every page's frame shows a signed-in operator: the apps, the one acted on, and whether this process may send. */
export function shellFor(ctx: UseCaseContext): AppChoice & { worker: WorkerStatus } {
  return { ...appChoice(ctx), worker: ctx.worker.status() };
}

export type { WorkerStatus } from '../jobs/worker';
