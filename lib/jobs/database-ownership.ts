import 'server-only';
import { HEARTBEAT_MS, LEASE_TTL_MS, type LeaseHolder, type LeaseIdentity } from '../lease/lease';
import { log } from '../log';
import type { LeaseStore } from '../store/store';
import type { Ownership, SendRight, WorkerStatus } from './ownership';

/** Stop sending this long before the lease could expire in the database, so a late heartbeat never overlaps a new holder. */
export const SAFETY_MARGIN_MS = HEARTBEAT_MS;

/**
 * One writer per database (SQLite): the process holding the database's lease sends every app's
 * runs and does the chores; any other stands by, serves pages, and takes over when the lease
 * lapses or its holder on this host is gone.
 */
export class DatabaseOwnership implements Ownership {
  readonly discoverMs = null;
  private role: 'writer' | 'standby' = 'standby';
  private holder: LeaseHolder | null = null;
  private sendUntilMs = 0;
  private leaving = false;

  constructor(
    private readonly lease: LeaseStore,
    private readonly me: LeaseIdentity,
  ) {}

  async beat(nowMs: number): Promise<void> {
    let attempt;
    try {
      attempt = await this.lease.acquire(this.me, { nowMs });
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
    this.sendUntilMs = nowMs + LEASE_TTL_MS - SAFETY_MARGIN_MS;
  }

  sendFor(_appId: string, nowMs: number): SendRight {
    if (this.leaving) return { ok: false, reason: 'shutdown' };
    if (this.role !== 'writer' || nowMs >= this.sendUntilMs) return { ok: false, reason: 'lease-lost' };
    return { ok: true, fence: { scope: 'database', holder: this.me.id } };
  }

  mayStop(appId: string, nowMs: number): boolean {
    return this.sendFor(appId, nowMs).ok;
  }

  accepts(nowMs: number): boolean {
    return this.sendFor('', nowMs).ok;
  }

  keepsHouse(): boolean {
    return this.role === 'writer';
  }

  status(): WorkerStatus {
    return this.role === 'writer' ? { role: 'writer' } : { role: 'standby', holder: this.holder };
  }

  async passEnded(): Promise<void> {}

  leave(): void {
    this.leaving = true;
  }

  /** The lease is left to lapse, as ever: a successor on this host takes it at once, seeing this pid gone. */
  async release(): Promise<void> {}
}
