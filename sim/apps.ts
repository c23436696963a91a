// What each hosted SDKAppID owns (its attribute state, config, key, rate windows and counters),
// and the counters' totals over all apps.
import { FAULT_KINDS } from './faults';
import type { SimConfig } from './config';
import type { SimState } from './state';
import { SIM_APIS, type SimApi } from './wire';

const WINDOW_MS = 1000;

/** Arrival timestamps of the last second, as a deque so each request costs amortised O(1). */
export class SlidingWindow {
  private times: number[] = [];
  private head = 0;

  /** Records an arrival and returns how many arrived in (now − 1000 ms, now]. */
  hit(now: number): number {
    while (this.head < this.times.length && (this.times[this.head] ?? 0) <= now - WINDOW_MS) this.head++;
    if (this.head > 4096 && this.head * 2 > this.times.length) {
      this.times = this.times.slice(this.head);
      this.head = 0;
    }
    this.times.push(now);
    return this.times.length - this.head;
  }
}

/** Counters of one app (requests whose sdkappid named it). */
export interface SimAppStats {
  requests: number;
  byApi: Record<string, number>;
  rateLimited: number;
  /** Highest arrivals in any one second, in any of this app's per-API windows. */
  maxPerSecond: number;
  maxPerSecondByApi: Record<string, number>;
  sigFailures: number;
  faultsInjected: Record<string, number>;
  usersRemoved: number;
}

/**
 * Totals over all apps, plus requests that matched no app (counted in requests and byApi only).
 * maxPerSecond and maxPerSecondByApi are the highest of any app, not sums: each app has its own windows.
 */
export interface SimStats extends SimAppStats {
  /** Keyed by SDKAppID as a decimal string. */
  byApp: Record<string, SimAppStats>;
}

export function emptyStats(): SimAppStats {
  return {
    requests: 0,
    byApi: Object.fromEntries(SIM_APIS.map((a) => [a, 0])),
    rateLimited: 0,
    maxPerSecond: 0,
    maxPerSecondByApi: Object.fromEntries(SIM_APIS.map((a) => [a, 0])),
    sigFailures: 0,
    faultsInjected: Object.fromEntries(FAULT_KINDS.map((f) => [f, 0])),
    usersRemoved: 0,
  };
}

export function copyStats(c: SimAppStats): SimAppStats {
  return { ...c, byApi: { ...c.byApi }, maxPerSecondByApi: { ...c.maxPerSecondByApi }, faultsInjected: { ...c.faultsInjected } };
}

/** Everything one SDKAppID owns. Reset puts it back to the seed. */
export interface App {
  readonly sdkAppId: number;
  readonly label: string | undefined;
  readonly seedKey: string;
  readonly admins: ReadonlySet<string>;
  readonly state: SimState;
  readonly initialConfig: SimConfig;
  secretKey: string;
  config: SimConfig;
  stats: SimAppStats;
  /** One sliding window per API: Tencent limits calls per SDKAppID and per API. */
  windows: Map<SimApi, SlidingWindow>;
}

export function resetApp(app: App): void {
  app.state.reset();
  app.config = app.initialConfig;
  app.secretKey = app.seedKey;
  app.stats = emptyStats();
  app.windows = new Map();
}

export function totals(unmatched: SimAppStats, apps: ReadonlyMap<number, App>): SimStats {
  const out: SimStats = { ...emptyStats(), byApp: {} };
  const add = (into: Record<string, number>, from: Record<string, number>) => {
    for (const [k, v] of Object.entries(from)) into[k] = (into[k] ?? 0) + v;
  };
  for (const c of [unmatched, ...[...apps.values()].map((a) => a.stats)]) {
    out.requests += c.requests;
    out.rateLimited += c.rateLimited;
    out.sigFailures += c.sigFailures;
    out.usersRemoved += c.usersRemoved;
    out.maxPerSecond = Math.max(out.maxPerSecond, c.maxPerSecond);
    add(out.byApi, c.byApi);
    add(out.faultsInjected, c.faultsInjected);
    for (const [k, v] of Object.entries(c.maxPerSecondByApi)) out.maxPerSecondByApi[k] = Math.max(out.maxPerSecondByApi[k] ?? 0, v);
  }
  for (const app of apps.values()) out.byApp[String(app.sdkAppId)] = copyStats(app.stats);
  return out;
}
