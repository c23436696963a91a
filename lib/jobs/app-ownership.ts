import 'server-only';
import type { AppFence, AppLease } from '../lease/app-lease';
import { planShare } from '../lease/fair-share';
import { HEARTBEAT_MS, LEASE_TTL_MS, pidAlive, type LeaseIdentity } from '../lease/lease';
import { log } from '../log';
import type { AppLeaseStore, LeaseStore } from '../store/store';
import { SAFETY_MARGIN_MS } from './database-ownership';
import type { AppSending, Ownership, SendRight, WorkerStatus } from './ownership';

/**
 * A new owner sends nothing for this long after taking an app. The rate budget is per process: the
 * old owner's last requests (released at the latest when it released the app, or when it died)
 * and the new owner's first ones must not share a 1-second window at the server, so the ceiling
 * holds across a takeover. Two windows, for bytes a killed process left in a socket.
 */
export const TAKEOVER_QUIET_MS = 2_000;
/** Running runs are looked for this often, so a run started in any process is picked up by its app's owner within a second. */
const DISCOVER_MS = 1_000;

interface Held {
  fence: AppFence;
  /** Sends from then (TAKEOVER_QUIET_MS after taking) until SAFETY_MARGIN_MS before the lease could lapse. */
  sendFromMs: number;
  sendUntilMs: number;
  /** Over its share: no new batch; released once its passes here have ended. */
  draining: boolean;
}

export interface AppOwnershipDeps {
  appLeases: AppLeaseStore;
  /** The database-wide lease: here it elects only the process that does the chores. */
  lease: LeaseStore;
  me: LeaseIdentity;
  /** The apps configured in this process: the ones it can send for. */
  apps: () => readonly string[];
  /** A pass of this app's runs is still going here. */
  busy: (appId: string) => boolean;
  isAlive?: (pid: number) => boolean;
}

/**
 * One sending process per app, on a database several console processes share (Postgres). Each
 * beat, a process says it is alive, renews the apps it holds, and moves towards its fair share
 * (lib/lease/fair-share.ts): it takes free or lapsed apps while under it, and while over it stops
 * sending for the extras and releases each once its batches in flight are recorded. It stops
 * sending for an app SAFETY_MARGIN_MS before its lease could lapse, and every write of results
 * carries the app's fence, so two processes never send, or record, for one app at once.
 */
export class AppOwnership implements Ownership {
  readonly discoverMs = DISCOVER_MS;
  private readonly held = new Map<string, Held>();
  private leases: AppLease[] = [];
  private houseUntilMs = 0;
  private leaving = false;

  constructor(private readonly deps: AppOwnershipDeps) {}

  async beat(nowMs: number): Promise<void> {
    const { appLeases, me } = this.deps;
    try {
      const isAlive = this.deps.isAlive ?? pidAlive;
      // A process on this host whose pid is gone counts no more, though its last beat has not lapsed: its apps are free now.
      const live = (await appLeases.beat(me, { nowMs, leaving: this.leaving })).filter((p) => p.id === me.id || p.host !== me.host || isAlive(p.pid)).length;
      await this.renew(nowMs);
      if (this.leaving) return;
      await this.keepHouse(nowMs);
      await this.settleDrains(nowMs);
      this.leases = await appLeases.list();
      const plan = planShare({
        me,
        apps: this.deps.apps(),
        live,
        leases: this.leases,
        held: [...this.held].filter(([, h]) => !h.draining).map(([appId]) => appId),
        nowMs,
        isAlive,
      });
      for (const appId of plan.release) {
        log.info('worker.app-releasing', { appId, target: plan.target, live });
        this.held.get(appId)!.draining = true;
      }
      await this.settleDrains(nowMs);
      let took = false;
      for (const appId of plan.take) {
        const fence = await appLeases.take(me, appId, { nowMs, isAlive: this.deps.isAlive });
        if (!fence) continue;
        took = true;
        log.info('worker.app-taken', { appId, token: fence.token, target: plan.target, live });
        this.held.set(appId, { fence, sendFromMs: nowMs + TAKEOVER_QUIET_MS, sendUntilMs: nowMs + LEASE_TTL_MS - SAFETY_MARGIN_MS, draining: false });
      }
      if (took || plan.release.length > 0) this.leases = await appLeases.list();
    } catch (err) {
      // Leases not renewed run out on their own; sending for them stops at their sendUntilMs.
      log.error('worker.lease-error', { error: err instanceof Error ? err.message : String(err) });
    }
  }

  private async renew(nowMs: number): Promise<void> {
    const fences = [...this.held.values()].map((h) => h.fence);
    const renewed = new Set((await this.deps.appLeases.renew(fences, { nowMs })).map((f) => f.appId));
    for (const [appId, h] of this.held) {
      if (renewed.has(appId)) h.sendUntilMs = nowMs + LEASE_TTL_MS - SAFETY_MARGIN_MS;
      else {
        log.error('worker.app-lost', { appId, token: h.fence.token });
        this.held.delete(appId);
      }
    }
  }

  private async keepHouse(nowMs: number): Promise<void> {
    const attempt = await this.deps.lease.acquire(this.deps.me, { nowMs, isAlive: this.deps.isAlive });
    this.houseUntilMs = attempt.ok ? nowMs + LEASE_TTL_MS - SAFETY_MARGIN_MS : 0;
  }

  /** Releases the draining apps whose passes here have all ended. */
  private async settleDrains(nowMs: number): Promise<void> {
    for (const [appId, h] of this.held) {
      if (!h.draining || this.deps.busy(appId)) continue;
      this.held.delete(appId);
      await this.deps.appLeases.release(h.fence, nowMs);
      log.info('worker.app-released', { appId, token: h.fence.token });
    }
  }

  sendFor(appId: string, nowMs: number): SendRight {
    if (this.leaving) return { ok: false, reason: 'shutdown' };
    const h = this.held.get(appId);
    if (!h || h.draining || nowMs < h.sendFromMs || nowMs >= h.sendUntilMs) return { ok: false, reason: 'lease-lost' };
    return { ok: true, fence: h.fence };
  }

  mayStop(appId: string, nowMs: number): boolean {
    if (this.sendFor(appId, nowMs).ok) return true;
    const lease = this.leases.find((l) => l.appId === appId);
    return this.keepsHouse(nowMs) && (!lease || lease.expiresMs <= nowMs);
  }

  /** Any process stores runs: the owner of their app sends them, wherever they were started. */
  accepts(): boolean {
    return true;
  }

  keepsHouse(nowMs: number): boolean {
    return !this.leaving && nowMs < this.houseUntilMs;
  }

  status(nowMs: number): WorkerStatus {
    const leases = new Map(this.leases.map((l) => [l.appId, l]));
    const apps = this.deps.apps().map((appId): AppSending => {
      const l = leases.get(appId);
      if (!l || l.expiresMs <= nowMs) return { appId, state: 'unowned' };
      // Renewed every beat: a lease two beats past its last renewal is lapsing.
      if (l.expiresMs - LEASE_TTL_MS < nowMs - 2 * HEARTBEAT_MS) return { appId, state: 'lapsing', host: l.host, pid: l.pid, untilMs: l.expiresMs };
      return { appId, state: 'sending', host: l.host, pid: l.pid, since: l.acquiredAt, here: l.holder === this.deps.me.id };
    });
    return { role: 'shared', apps };
  }

  async passEnded(appId: string, nowMs: number): Promise<void> {
    if (this.held.get(appId)?.draining) await this.settleDrains(nowMs);
  }

  leave(): void {
    this.leaving = true;
  }

  async release(nowMs: number): Promise<void> {
    const { appLeases, me } = this.deps;
    await appLeases.beat(me, { nowMs, leaving: true });
    for (const [appId, h] of this.held) {
      this.held.delete(appId);
      await appLeases.release(h.fence, nowMs);
      log.info('worker.app-released', { appId, token: h.fence.token, reason: 'leaving' });
    }
  }
}
