import { createHash } from 'node:crypto';
import type { AppLease } from './app-lease';
import type { LeaseIdentity } from './lease';

export interface ShareView {
  me: LeaseIdentity;
  /** The apps to spread: those configured in this process. */
  apps: readonly string[];
  /** Processes alive and not leaving, this one included. */
  live: number;
  /** Every app's lease as read from the database. */
  leases: readonly AppLease[];
  /** Apps this process holds and means to keep sending for. */
  held: readonly string[];
  nowMs: number;
  isAlive: (pid: number) => boolean;
}

export interface SharePlan {
  /** ceil(apps / live processes): what each process may hold. */
  target: number;
  /** Held apps over the target: stop sending for them, and let them go once their batches in flight are recorded. */
  release: string[];
  /** Apps to try to take, in the order to try them. */
  take: string[];
}

/**
 * Fair share without a coordinator: each process moves only towards its own target, releasing
 * only when strictly over it and taking only when strictly under, and only apps that are free
 * (never taken, released, expired, or held by a dead process on this host). With ceil the targets
 * add up to at least the apps, so there is always room for every app, and a process at its target
 * touches nothing: leases do not flap back and forth. Processes try free apps in an order of
 * their own (a hash of their id and the app), so several newcomers rarely race for the same one.
 */
export function planShare(view: ShareView): SharePlan {
  const target = Math.ceil(view.apps.length / Math.max(1, view.live));
  const held = view.held.filter((a) => view.apps.includes(a));
  // Apps no longer configured here are let go whatever the target.
  const unconfigured = view.held.filter((a) => !view.apps.includes(a));
  if (held.length > target) {
    const leases = new Map(view.leases.map((l) => [l.appId, l]));
    // The most recently taken go first: the longest-held keep their owner.
    const newestFirst = [...held].sort((a, b) => (leases.get(b)?.acquiredAt ?? '').localeCompare(leases.get(a)?.acquiredAt ?? '') || b.localeCompare(a));
    return { target, release: [...unconfigured, ...newestFirst.slice(0, held.length - target)], take: [] };
  }
  const room = target - held.length;
  if (room === 0) return { target, release: unconfigured, take: [] };
  const leases = new Map(view.leases.map((l) => [l.appId, l]));
  const free = view.apps.filter((appId) => {
    if (held.includes(appId)) return false;
    const lease = leases.get(appId);
    if (!lease || lease.expiresMs <= view.nowMs || lease.holder === view.me.id) return true;
    return lease.host === view.me.host && (lease.pid === view.me.pid || !view.isAlive(lease.pid));
  });
  const rank = (appId: string) => createHash('sha1').update(`${view.me.id}\0${appId}`).digest('hex');
  free.sort((a, b) => rank(a).localeCompare(rank(b)));
  return { target, release: unconfigured, take: free.slice(0, room) };
}
