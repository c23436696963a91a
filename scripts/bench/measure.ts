// One run, or the upload, measured: the console's figures with the simulator's and the samplers'.
import { upload, waitForRun, type RunSummary, type Started } from './client';
import type { Stack } from './processes';
import { cpuSeconds, sampleHealth, samplePeakRss, type HealthSeen } from './samplers';
import { QPS, SIM_LOG_LIMIT, USERS_PER_REQUEST } from './settings';
import { firstSendAfter, mostTogetherInOneSecond, pacingOf, simLog, simStats, type Pacing } from './simulator';

/** One run, from its start to `completed`: the console's figures and the simulator's for it alone. */
export interface Measured {
  label: string;
  /** The APIs of one batch, in order: the look, then the call (if any). */
  apis: readonly string[];
  runId: number;
  run: RunSummary;
  /** Click → 201 of the start. */
  answeredS: number;
  seconds: number;
  /** run total / 100 / ceiling. */
  floorS: number;
  firstSendS: number | null;
  /** Arrivals at the simulator during this run, by API. */
  byApi: Record<string, number>;
  /** Most arrivals in 1 s per API; `exact` false when this run did not raise the simulator's maximum, which it keeps since it started. */
  most: Record<string, { value: number; exact: boolean }>;
  error91000: number;
  rateLimited: number;
  rssMb: number;
  health: HealthSeen;
  /** Most arrivals in 1 s of the run's APIs together (from the request log), when asked for. */
  together?: number | null;
  /** null when the request log no longer holds the whole run. */
  pacing: Pacing | null;
}

export async function measureRun(
  stack: Stack,
  label: string,
  apis: readonly string[],
  start: () => Promise<Started>,
  opts: { together?: boolean; floorsPerBatch?: number } = {},
): Promise<Measured> {
  const { sim, base, cookie } = stack;
  // Only the log: the users, stats and rate windows stay.
  await fetch(`${sim}/__sim/requests`, { method: 'DELETE' });
  const before = await simStats(sim);
  const peakRss = samplePeakRss(stack.consolePid);
  const health = sampleHealth(base);
  const started = await start();
  const firstSend = firstSendAfter(sim, started.clickedAt, apis);
  const floorS = started.users / USERS_PER_REQUEST / QPS;
  const done = await waitForRun(base, cookie, started.runId, started.clickedMs, 5 * floorS * (opts.floorsPerBatch ?? 1) + 120);
  const firstSendS = await firstSend;
  const rssMb = peakRss() / 1024 / 1024;
  const healthSeen = await health();
  const after = await simStats(sim);
  const byApi = Object.fromEntries(apis.map((api) => [api, (after.byApi[api] ?? 0) - (before.byApi[api] ?? 0)]));
  const most = Object.fromEntries(
    apis.map((api) => {
      const [was, now] = [before.maxPerSecondByApi[api] ?? 0, after.maxPerSecondByApi[api] ?? 0];
      return [api, { value: now, exact: now > was || was === 0 }];
    }),
  );
  const measured: Measured = {
    label,
    apis,
    runId: started.runId,
    run: done.run,
    answeredS: started.answeredS,
    seconds: done.seconds,
    floorS,
    firstSendS,
    byApi,
    most,
    error91000: (after.faultsInjected.error91000 ?? 0) - (before.faultsInjected.error91000 ?? 0),
    rateLimited: after.rateLimited - before.rateLimited,
    rssMb,
    health: healthSeen,
    pacing: null,
  };
  const sent = Object.values(byApi).reduce((a, b) => a + b, 0);
  const log = sent <= SIM_LOG_LIMIT ? await simLog(sim) : null;
  if (log) measured.pacing = pacingOf(log, started.clickedAt, apis, sent, QPS);
  if (opts.together) measured.together = log ? mostTogetherInOneSecond(log, started.clickedAt, apis, sent) : null;
  return measured;
}

/** Upload→preview, with the console's memory and health while it stores the rows; cut off after `capS` (see upload). */
export async function uploadMeasured(stack: Stack, csvPath: string, bytes: number, capS = Infinity) {
  const peakRss = samplePeakRss(stack.consolePid);
  const health = sampleHealth(stack.base);
  const cpuBefore = cpuSeconds(stack.consolePid);
  const samplersStopped = async () => ({ rssMb: peakRss() / 1024 / 1024, health: await health(), cpuS: cpuSeconds(stack.consolePid) - cpuBefore });
  try {
    const up = await upload(stack.base, stack.cookie, csvPath, bytes, { capS });
    return { ...up, ...(await samplersStopped()) };
  } catch (err) {
    await samplersStopped();
    throw err;
  }
}
