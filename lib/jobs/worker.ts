import 'server-only';
import type { AppRegistry, AppRuntime } from '../apps/registry';
import type { RunSource, RunSummary } from '../runs/types';
import { appFailure, type Failure } from '../tim/outcomes';
import { log } from '../log';
import { realClock } from '../tim/rate-limiter';
import type { RunEnd } from '../engine/engine';
import type { HaltReason } from '../runs/state-machine';
import type { Store } from '../store/store';
import { executeRun, OPERATIONS } from './execute-run';
import { HEARTBEAT_MS, LEASE_TTL_MS, pidAlive, thisProcess, type LeaseHolder, type LeaseIdentity } from '../lease/lease';
import { sweepUploads } from './sweep-uploads';

/**
 * Lanes per background run. At round trip r the budget keeps about ceiling × r / (1 + r) requests in
 * flight (lib/tim/rate-limiter.ts); fewer lanes than that starve it. 16 cover a 100 QPS ceiling
 * up to about 190 ms per request; lanes beyond what the budget grants just wait their turn.
 */
export const JOB_CONCURRENCY = 16;
/** Form runs are small (≤ 1,000 users = 10 requests); a few in flight keeps them near the ceiling. */
const FORM_CONCURRENCY = 4;
/** Stop sending this long before the lease could expire in the database, so a late heartbeat never overlaps a new holder. */
const SAFETY_MARGIN_MS = HEARTBEAT_MS;
/** A pass halted by an error is tried again after this, doubling up to the maximum. */
const RESUME_BACKOFF_MS = 10_000;
const RESUME_BACKOFF_MAX_MS = 5 * 60_000;

/** What use cases need of the worker. */
export interface RunWorker {
  canSend(): boolean;
  run(runId: number, source: RunSource): Promise<RunEnd>;
  status(): WorkerStatus;
  /** This process as its lease names it: the owner of the uploads it receives. */
  identity(): LeaseIdentity;
}

/** A standby names the writer by its lease (host, pid, since): meaningful whatever the store is. */
export type WorkerStatus = { role: 'writer' } | { role: 'standby'; holder: LeaseHolder | null };

/**
 * The only thing that sends. Every run, form runs included, is executed here, in the process that
 * holds the database's lease; a process without it serves pages and waits to take over. Runs that
 * a pass left running (a halt, a restart) are picked up again by the sweep.
 */
export interface WorkerDeps {
  store: Store;
  apps: AppRegistry;
}

export class JobWorker implements RunWorker {
  private readonly active = new Map<number, Promise<RunEnd>>();
  private readonly me = thisProcess();
  private role: 'writer' | 'standby' = 'standby';
  private holder: LeaseHolder | null = null;
  private sendUntilMs = 0;
  private readonly backoff = new Map<number, { attempts: number; atMs: number }>();
  private timer: NodeJS.Timeout | null = null;
  private sweepingUploads = false;

  constructor(private readonly deps: WorkerDeps) {}

  async boot(): Promise<WorkerStatus> {
    await this.heartbeat();
    this.timer ??= setInterval(() => void this.heartbeat(), HEARTBEAT_MS);
    this.timer.unref();
    return this.status();
  }

  status(): WorkerStatus {
    return this.role === 'writer' ? { role: 'writer' } : { role: 'standby', holder: this.holder };
  }

  canSend(): boolean {
    return this.haltReason() === null;
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
    if (running) return running;
    const halted = this.haltReason();
    if (halted) return Promise.resolve({ status: 'halted', reason: halted });
    // Registered before the first await: a second call (a double submit, the sweep) joins this pass.
    const done = this.pass(runId, source).then((end) => {
      this.active.delete(runId);
      this.afterPass(runId, end);
      return end;
    });
    this.active.set(runId, done);
    return done;
  }

  private async pass(runId: number, source: RunSource): Promise<RunEnd> {
    const { store, apps } = this.deps;
    const run = await store.runs.get(runId).catch(() => null);
    if (!run) return { status: 'halted', reason: 'error' };
    if (run.status !== 'running') return { status: 'completed' };
    const app = appOf(run, apps);
    if (!('tim' in app)) {
      const end: RunEnd = { status: 'stopped', failure: app };
      await store.runs.finish(runId, end);
      log.warn('run.app-unavailable', { runId, appId: run.appId, reason: app.key });
      return end;
    }
    return executeRun(runId, {
      runs: store.runs,
      kind: run.kind,
      client: app.tim,
      budgets: (api) => app.budgets[api],
      clock: realClock,
      // A look before each call holds a lane for two round trips: twice the lanes keep the budget as busy.
      concurrency: (source === 'form' ? FORM_CONCURRENCY : JOB_CONCURRENCY) * (OPERATIONS[run.kind].look ? 2 : 1),
      halt: () => this.haltReason(),
    });
  }

  private haltReason(): HaltReason | null {
    return this.role === 'writer' && Date.now() < this.sendUntilMs ? null : 'lease-lost';
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

  private async heartbeat(): Promise<void> {
    const { store } = this.deps;
    const now = Date.now();
    let attempt;
    try {
      attempt = await store.lease.acquire(this.me, { nowMs: now });
    } catch (err) {
      // Without a renewal the lease runs out on its own; sending stops at sendUntilMs.
      log.error('worker.lease-error', { error: err instanceof Error ? err.message : String(err) });
      return;
    }
    if (!attempt.ok) {
      if (this.role === 'writer') log.error('worker.lease-lost', { holderPid: attempt.holder.pid, holderHost: attempt.holder.host });
      else if (this.holder?.holder !== attempt.holder.holder) {
        log.warn('worker.standby', {
          holderPid: attempt.holder.pid,
          holderHost: attempt.holder.host,
          since: attempt.holder.acquiredAt,
          hint: 'Another console process is the writer for this database; this one serves pages and sends nothing until it can take over.',
        });
      }
      this.role = 'standby';
      this.holder = attempt.holder;
      this.sendUntilMs = 0;
      return;
    }
    if (this.role !== 'writer') log.info('worker.writer', { pid: this.me.pid, host: this.me.host });
    this.role = 'writer';
    this.holder = null;
    this.sendUntilMs = now + LEASE_TTL_MS - SAFETY_MARGIN_MS;
    await this.sweep(now).catch((err: unknown) => log.error('worker.sweep-failed', { error: err instanceof Error ? err.message : String(err) }));
    if (!this.sweepingUploads) {
      this.sweepingUploads = true;
      void sweepUploads(this.deps.store.uploads, this.me, now, pidAlive)
        .catch((err: unknown) => log.error('worker.upload-sweep-failed', { error: err instanceof Error ? err.message : String(err) }))
        .finally(() => (this.sweepingUploads = false));
    }
  }

  /** Resumes every run still running that no pass here is working on: after a restart, a takeover or a halt. */
  private async sweep(now: number): Promise<void> {
    for (const run of await this.deps.store.runs.listRunning()) {
      if (this.active.has(run.id)) continue;
      const wait = this.backoff.get(run.id);
      if (wait && wait.atMs > now) continue;
      log.info('run.resumed', { runId: run.id, pending: run.pending });
      void this.run(run.id, run.source);
    }
  }
}

function appOf(run: RunSummary, apps: AppRegistry): AppRuntime | Failure {
  const app = apps.get(run.appId);
  if (!app) return appFailure('removed', run.appId);
  if (app.summary.sdkAppId !== run.sdkAppId) {
    const info = `${run.appId}: run ${run.sdkAppId}, configured ${app.summary.sdkAppId}`;
    return appFailure('changed', info);
  }
  return app;
}
