import 'server-only';
import { listRunningRuns, requestCancel, type RunSource } from '../db/runs';
import { log } from '../log';
import { realClock } from '../removal/rate-limiter';
import { getRuntime } from '../runtime';
import { executeRun } from './execute-run';
import { ProgressTracker } from './progress';

/** Batches in flight per job: enough to keep a 100 QPS ceiling busy at ~50 ms per request. */
export const JOB_CONCURRENCY = 8;
const BACKGROUND_SOURCES: readonly RunSource[] = ['csv', 'retry'];

interface ActiveJob {
  cancelled: boolean;
  progress: ProgressTracker;
}

/**
 * Runs CSV and retry runs in the background of the server process, independent of any browser
 * tab. All jobs share the runtime's one rate limiter. Started from instrumentation.ts, it resumes
 * whatever a previous process left running.
 */
class JobWorker {
  private readonly active = new Map<number, ActiveJob>();

  resumeUnfinished(): void {
    const { db } = getRuntime();
    for (const run of listRunningRuns(db, BACKGROUND_SOURCES)) {
      log.info('run.resumed', { runId: run.id, pending: run.pending });
      this.start(run.id, run.cancelRequested);
    }
  }

  start(runId: number, cancelled = false): void {
    if (this.active.has(runId)) return;
    const job: ActiveJob = { cancelled, progress: new ProgressTracker() };
    this.active.set(runId, job);
    const { db, tim, limiter } = getRuntime();
    executeRun(runId, {
      db,
      client: tim,
      limiter,
      clock: realClock,
      concurrency: JOB_CONCURRENCY,
      isCancelled: () => job.cancelled,
      onProgress: (n) => job.progress.add(n),
    })
      .catch(() => {
        // executeRun has already recorded and logged the failure.
      })
      .finally(() => this.active.delete(runId));
  }

  /** Stops sending new batches; those in flight finish and the rest become "not sent". */
  cancel(runId: number): boolean {
    const requested = requestCancel(getRuntime().db, runId);
    const job = this.active.get(runId);
    if (job) job.cancelled = true;
    return requested;
  }

  rate(runId: number): number | null {
    return this.active.get(runId)?.progress.rate() ?? null;
  }
}

const holder = globalThis as typeof globalThis & { __timConsoleWorker?: JobWorker };

export function getWorker(): JobWorker {
  holder.__timConsoleWorker ??= new JobWorker();
  return holder.__timConsoleWorker;
}
