import type { Fence } from '../lease/fence';
import type { LeaseHolder } from '../lease/lease';
import type { HaltReason } from '../runs/state-machine';

/** Who sends for one app, as this process last read it (Postgres). */
export type AppSending =
  | { appId: string; state: 'sending'; host: string; pid: number; since: string; here: boolean }
  /** Held by a process that stopped renewing: another takes it over once it lapses at `untilMs`. */
  | { appId: string; state: 'lapsing'; host: string; pid: number; untilMs: number }
  /** Nobody holds it: never taken, released, or lapsed, and no live process has taken it yet. */
  | { appId: string; state: 'unowned' };

/**
 * What this process may do, for the pages. `writer`/`standby`: one writer per database (SQLite);
 * `shared`: every process serves and starts runs, and each app is sent by its own process.
 */
export type WorkerStatus = { role: 'writer' } | { role: 'standby'; holder: LeaseHolder | null } | { role: 'shared'; apps: AppSending[] };

export type SendRight = { ok: true; fence: Fence } | { ok: false; reason: HaltReason };

/** How a worker learns which runs are its to send: the database's one lease, or a lease per app. */
export interface Ownership {
  /** Renews what this process holds, and takes or lets go what it should; every HEARTBEAT_MS. */
  beat(nowMs: number): Promise<void>;
  /** The fence to write this app's results with, or why this process must not send for it now. */
  sendFor(appId: string, nowMs: number): SendRight;
  /**
   * This process may stop a run of an app it cannot send for (no longer configured) without
   * its app's lease: nobody else sends for that app.
   */
  mayStop(appId: string, nowMs: number): boolean;
  /** Use cases may store runs now: some process will send them. */
  accepts(nowMs: number): boolean;
  /** This process does the database's chores (abandoned uploads, purges): one process at a time. */
  keepsHouse(nowMs: number): boolean;
  status(nowMs: number): WorkerStatus;
  /** How often running runs are looked for besides each beat; null: only at each beat. */
  readonly discoverMs: number | null;
  /** A pass of this app's run ended here. */
  passEnded(appId: string, nowMs: number): Promise<void>;
  /** From now on, nothing new is sent (SIGTERM). */
  leave(): void;
  /** After the passes ended: let go of everything, so others take over at once. */
  release(nowMs: number): Promise<void>;
}
