import 'server-only';
import type { AppRegistry, AppRuntime } from '../apps/registry';
import type { RunSource, RunSummary } from '../runs/types';
import { appFailure, type Failure } from '../tim/outcomes';
import { log } from '../log';
import { realClock } from '../tim/rate-limiter';
import type { RunEnd } from '../engine/engine';
import type { Store } from '../store/store';
import { executeRun, OPERATIONS } from './execute-run';
import { HEARTBEAT_MS, pidAlive, thisProcess, type LeaseIdentity } from '../lease/lease';
import { sweepUploads } from './sweep-uploads';
import { DatabaseOwnership } from './database-ownership';
import { AppOwnership } from './app-ownership';
import type { Ownership, WorkerStatus } from './ownership';

/**
 * Lanes per background run. At round trip r the budget keeps about ceiling × r / (1 + r) requests in
 * flight (lib/tim/rate-limiter.ts); fewer lanes than that starve it. 16 cover a 100 QPS ceiling
 * up to about 190 ms per request; lanes beyond what the budget grants just wait their turn.
 */
export const JOB_CONCURRENCY = 16;
/** Form runs are small (≤ 1,000 users = 10 requests); a few in flight keeps them near the ceiling. */
const FORM_CONCURRENCY = 4;
/** A pass halted by an error is tried again after this, doubling up to the maximum. */
const RESUME_BACKOFF_MS = 10_000;
const RESUME_BACKOFF_MAX_MS = 5 * 60_000;
/** A form waits this long at most for a run another process sends: a takeover takes at most 30 s. */
const FORM_WAIT_MS = 45_000;
/** How often a form reads whether its run, sent elsewhere, has ended. */
const FORM_POLL_MS = 200;
/** SIGTERM: batches in flight get this long to finish and be recorded before the process lets its apps go. */
export const SHUTDOWN_WAIT_MS = 15_000;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** What use cases need of the worker. */
export interface RunWorker {
  canSend(): boolean;
  /** Sends the run here if this process sends for its app now; resolves when that pass ends (at once when it does not). */
  run(runId: number, source: RunSource): Promise<RunEnd>;
  /** As run(), then waits, reading the database, until the run has ended wherever it is sent (bounded): for a form's answer. */
  runToEnd(runId: number, source: RunSource): Promise<void>;
  status(): WorkerStatus;
  /** This process as its lease names it: the owner of the uploads it receives. */
  identity(): LeaseIdentity;
}

export type { AppSending, WorkerStatus } from './ownership';

/**
 * The only thing that sends. Every run, form runs included, is executed by a worker: on SQLite
 * in the one process holding the database's lease, on Postgres in the process holding the lease
 * of the run's app (ownership.ts). Runs that are running and no pass here works on (a run
 * started in another process, a halt, a restart, a takeover) are picked up by the sweep.
 */
export interface WorkerDeps {
  store: Store;
  apps: AppRegistry;
  isAlive?: (pid: number) => boolean;
  /** This process, unless a test runs several in one. */
  me?: LeaseIdentity;
}

export class JobWorker implements RunWorker {
  private readonly active = new Map<number, { appId: string | null; done: Promise<RunEnd> }>();
  private readonly me: LeaseIdentity;
  private readonly ownership: Ownership;
  private readonly backoff = new Map<number, { attempts: number; atMs: number }>();
  private timers: NodeJS.Timeout[] = [];
  private sweepingUploads = false;
  private sweeping = false;
  private beating: Promise<void> | null = null;

  constructor(private readonly deps: WorkerDeps) {
    this.me = deps.me ?? thisProcess();
    const { store, apps } = deps;
    this.ownership = store.appLeases
      ? new AppOwnership({
          appLeases: store.appLeases,
          lease: store.lease,
          me: this.me,
          apps: () => apps.list().map((a) => a.id),
          busy: (appId) => [...this.active.values()].some((a) => a.appId === appId),
          isAlive: deps.isAlive,
        })
      : new DatabaseOwnership(store.lease, this.me);
  }

  async boot(): Promise<WorkerStatus> {
    await this.heartbeat();
    if (this.timers.length === 0) {
      this.timers.push(setInterval(() => void this.heartbeat(), HEARTBEAT_MS));
      const every = this.ownership.discoverMs;
      if (every !== null) this.timers.push(setInterval(() => void this.sweep(Date.now()), every));
      for (const t of this.timers) t.unref();
    }
    return this.status();
  }

  status(): WorkerStatus {
    return this.ownership.status(Date.now());
  }

  canSend(): boolean {
    return this.ownership.accepts(Date.now());
  }

  /** This process does the database's chores now (values purge, abandoned uploads). */
  keepsHouse(): boolean {
    return this.ownership.keepsHouse(Date.now());
  }

  identity(): LeaseIdentity {
    return this.me;
  }

  /**
   * Executes (or joins) a pass over the run, always through the run's own app; resolves when the
   * pass ends. A run whose app is gone or has another SDKAppID now stops with that reason unsent.
   */
  run(runId: number, source: RunSource): Promise<RunEnd> {
    const running = this.active.get(runId);
    if (running) return running.done;
    // Registered before the first await: a second call (a double submit, the sweep) joins this pass.
    const entry: { appId: string | null; done: Promise<RunEnd> } = { appId: null, done: Promise.resolve({ status: 'completed' }) };
    entry.done = this.pass(runId, source, entry).then(async (end) => {
      this.active.delete(runId);
      this.afterPass(runId, end);
      if (entry.appId !== null) await this.ownership.passEnded(entry.appId, Date.now()).catch(() => {});
      return end;
    });
    this.active.set(runId, entry);
    return entry.done;
  }

  async runToEnd(runId: number, source: RunSource): Promise<void> {
    const end = await this.run(runId, source);
    if (end.status !== 'halted') return;
    const deadline = Date.now() + FORM_WAIT_MS;
    while (Date.now() < deadline) {
      const run = await this.deps.store.runs.get(runId);
      if (!run || run.status !== 'running') return;
      await sleep(FORM_POLL_MS);
    }
  }

  /**
   * SIGTERM: nothing new is sent from now; batches in flight finish and are recorded (for at most
   * `waitMs`); then this process lets its apps go, so others take them over at once.
   */
  async shutdown(waitMs = SHUTDOWN_WAIT_MS): Promise<void> {
    for (const t of this.timers) clearInterval(t);
    this.timers = [];
    this.ownership.leave();
    let waited: NodeJS.Timeout | undefined;
    await Promise.race([Promise.allSettled([...this.active.values()].map((a) => a.done)), new Promise((resolve) => (waited = setTimeout(resolve, waitMs)))]);
    clearTimeout(waited);
    await this.beating;
    await this.ownership.release(Date.now()).catch((err: unknown) => log.error('worker.release-failed', { error: describe(err) }));
    log.info('worker.stopped', { pid: this.me.pid, unfinishedPasses: this.active.size });
  }

  private async pass(runId: number, source: RunSource, entry: { appId: string | null }): Promise<RunEnd> {
    const { store, apps } = this.deps;
    const run = await store.runs.get(runId).catch(() => null);
    if (!run) return { status: 'halted', reason: 'error' };
    if (run.status !== 'running') return { status: 'completed' };
    entry.appId = run.appId;
    const app = appOf(run, apps);
    const right = this.ownership.sendFor(run.appId, Date.now());
    if (!('tim' in app)) {
      if (!this.ownership.mayStop(run.appId, Date.now())) return { status: 'halted', reason: right.ok ? 'lease-lost' : right.reason };
      const end: RunEnd = { status: 'stopped', failure: app };
      await store.runs.finish(runId, end).catch((err: unknown) => log.warn('run.stop-failed', { runId, error: describe(err) }));
      log.warn('run.app-unavailable', { runId, appId: run.appId, reason: app.key });
      return end;
    }
    if (!right.ok) return { status: 'halted', reason: right.reason };
    return executeRun(runId, {
      runs: { ...store.runs, ...store.runs.fenced(right.fence) },
      kind: run.kind,
      client: app.tim,
      budgets: (api) => app.budgets[api],
      clock: realClock,
      // A look before each call holds a lane for two round trips: twice the lanes keep the budget as busy.
      concurrency: (source === 'form' ? FORM_CONCURRENCY : JOB_CONCURRENCY) * (OPERATIONS[run.kind].look ? 2 : 1),
      halt: () => {
        const now = this.ownership.sendFor(run.appId, Date.now());
        return now.ok ? null : now.reason;
      },
    });
  }

  private afterPass(runId: number, end: RunEnd): void {
    if (end.status !== 'halted' || end.reason !== 'error') {
      this.backoff.delete(runId);
      return;
    }
    const attempts = (this.backoff.get(runId)?.attempts ?? 0) + 1;
    const delay = Math.min(RESUME_BACKOFF_MAX_MS, RESUME_BACKOFF_MS * 2 ** (attempts - 1));
    this.backoff.set(runId, { attempts, atMs: Date.now() + delay });
    log.warn('run.resume-scheduled', { runId, inMs: delay, attempt: attempts });
  }

  /** Renewals never wait for a sweep: a sweep slowed by a busy database must not let the leases lapse. */
  private async heartbeat(): Promise<void> {
    this.beating ??= this.ownership.beat(Date.now()).finally(() => (this.beating = null));
    await this.beating;
    const now = Date.now();
    await this.sweep(now);
    if (this.ownership.keepsHouse(now) && !this.sweepingUploads) {
      this.sweepingUploads = true;
      void sweepUploads(this.deps.store.uploads, this.me, now, this.deps.isAlive ?? pidAlive)
        .catch((err: unknown) => log.error('worker.upload-sweep-failed', { error: describe(err) }))
        .finally(() => (this.sweepingUploads = false));
    }
  }

  /** Resumes every running run that this process may send and no pass here is working on: after a restart, a takeover, a halt, or a start in another process. */
  private async sweep(now: number): Promise<void> {
    if (this.sweeping) return;
    this.sweeping = true;
    try {
      for (const run of await this.deps.store.runs.listRunning()) {
        if (this.active.has(run.id)) continue;
        const wait = this.backoff.get(run.id);
        if (wait && wait.atMs > now) continue;
        const mine = this.ownership.sendFor(run.appId, now).ok || (!this.deps.apps.get(run.appId) && this.ownership.mayStop(run.appId, now));
        if (!mine) continue;
        log.info('run.resumed', { runId: run.id, pending: run.pending });
        void this.run(run.id, run.source);
      }
    } catch (err) {
      log.error('worker.sweep-failed', { error: describe(err) });
    } finally {
      this.sweeping = false;
    }
  }
}

const describe = (err: unknown) => (err instanceof Error ? err.message : String(err));

function appOf(run: RunSummary, apps: AppRegistry): AppRuntime | Failure {
  const app = apps.get(run.appId);
  if (!app) return appFailure('removed', run.appId);
  if (app.summary.sdkAppId !== run.sdkAppId) {
    const info = `${run.appId}: run ${run.sdkAppId}, configured ${app.summary.sdkAppId}`;
    return appFailure('changed', info);
  }
  return app;
}
