// The simulator's control API, read to see what arrived: its request log, counters and users.
import { sleep } from './time';

interface LogEntry {
  at: number;
  api: string;
  sdkAppId: number | null;
}

/** The simulator's request log (its newest entries, up to its limit): read once per run, by whatever needs it. */
export type SimLog = LogEntry[];
export const simLog = async (sim: string): Promise<SimLog> => (await (await fetch(`${sim}/__sim/requests`)).json()) as SimLog;

/**
 * Seconds from the click to the simulator's first arrival of one of the run's APIs (both wall
 * clocks of this machine). Read `readAfterMs` after it is called (2 s unless told): the request log
 * keeps only the newest 20,000 entries, which a 10M-user run overwrites long before it ends (it is
 * cleared before each start).
 */
export async function firstSendAfter(sim: string, clickedAt: number, apis: readonly string[], readAfterMs = 2000): Promise<number | null> {
  await sleep(readAfterMs);
  const log = await simLog(sim);
  const first = Math.min(...log.filter((r) => apis.includes(r.api) && r.at >= clickedAt).map((r) => r.at));
  return Number.isFinite(first) ? (first - clickedAt) / 1000 : null;
}

/**
 * The most arrivals of these APIs together in any 1 s, from the request log (arrival wall-clock
 * ms, window (t − 1000, t]); null when the log no longer holds all of the run's requests.
 */
export function mostTogetherInOneSecond(log: SimLog, sinceAt: number, apis: readonly string[], expected: number): number | null {
  const at = log
    .filter((r) => apis.includes(r.api) && r.at >= sinceAt)
    .map((r) => r.at)
    .sort((a, b) => a - b);
  if (at.length !== expected) return null;
  let most = 0;
  for (let from = 0, to = 0; to < at.length; to++) {
    while (at[from]! <= at[to]! - 1000) from++;
    most = Math.max(most, to - from + 1);
  }
  return most;
}

/** Where a run's time went at the simulator, from the request log: its last API's first and last arrival after the click. */
export interface Pacing {
  firstS: number;
  lastS: number;
  /** Between the first and the last arrival, the seconds the API's budget was not used: (last − first) − requests / ceiling. */
  idleS: number;
  /** The whole seconds after the first arrival with the fewest arrivals (the last, partial one aside): where the idle time was. */
  slowest: { atS: number; arrivals: number }[];
}

/** null when the log no longer holds all of the run's requests (`expected`, of all its APIs, of `sdkAppId` when given). */
export function pacingOf(all: SimLog, clickedAt: number, apis: readonly string[], expected: number, qps: number, sdkAppId?: number): Pacing | null {
  const log = all.filter((r) => apis.includes(r.api) && r.at >= clickedAt && (sdkAppId === undefined || r.sdkAppId === sdkAppId));
  if (log.length !== expected) return null;
  const call = apis[apis.length - 1];
  const at = log.filter((r) => r.api === call).map((r) => r.at);
  if (at.length === 0) return null;
  const [first, last] = [Math.min(...at), Math.max(...at)];
  const perSecond = new Array<number>(Math.floor((last - first) / 1000)).fill(0);
  for (const t of at) {
    const k = Math.floor((t - first) / 1000);
    if (k < perSecond.length) perSecond[k]!++;
  }
  const slowest = perSecond
    .map((arrivals, k) => ({ atS: (first - clickedAt) / 1000 + k, arrivals }))
    .sort((a, b) => a.arrivals - b.arrivals)
    .slice(0, 5);
  return { firstS: (first - clickedAt) / 1000, lastS: (last - clickedAt) / 1000, idleS: (last - first) / 1000 - (at.length - 1) / qps, slowest };
}

interface SimAppStats {
  rateLimited: number;
  maxPerSecondByApi: Record<string, number>;
  byApi: Record<string, number>;
  faultsInjected: Record<string, number>;
}

/** Each figure over all apps (maxPerSecondByApi: the highest of any app), and per app, keyed by SDKAppID in decimal. */
interface SimStats extends SimAppStats {
  byApp: Record<string, SimAppStats>;
}

/**
 * The simulator counts each API's arrivals in a sliding (now − 1 s, now] window; maxPerSecondByApi
 * is its maximum since it started (or was reset: which also resets its users, so not between runs).
 */
export const simStats = async (sim: string) => (await (await fetch(`${sim}/__sim/stats`)).json()) as SimStats;

export type Attrs = Record<string, string>;

/** The simulator's current values of these users (null: no such user), from its control API. */
export async function simUsers(sim: string, ids: string[]): Promise<Map<string, Attrs | null>> {
  const res = await fetch(`${sim}/__sim/users/query`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ ids }) });
  if (!res.ok) throw new Error(`simulator users/query: HTTP ${res.status}: ${await res.text()}`);
  const { users } = (await res.json()) as { users: Record<string, Attrs | null> };
  return new Map(ids.map((id) => [id, users[id] ?? null]));
}
