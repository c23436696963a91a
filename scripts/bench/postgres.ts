// The Postgres mode's scenarios: one console process or three on one fresh database, one app or
// three at once, each app's removal uploaded to and started from its own process, and timed from
// its start to `completed`; the simulator's arrivals per app, and each process's memory, CPU and
// /api/health meanwhile.
import { startCluster, type Cluster } from '../../test-support/postgres-cluster';
import { Refused, requestKey, startRun, upload, waitForRun, type RunSummary } from './client';
import { appsFile, benchApps, simApps, type BenchApp } from './postgres-apps';
import { atShutdown, freePort, startConsole, startSimulator, stopConsole, type Stack } from './processes';
import { cpuSeconds, machineBusy, sampleHealth, samplePeakRss, type HealthSeen } from './samplers';
import { PG_PORTS, POSTGRES_SCENARIOS, POSTGRES_USERS, QPS, SIM_LOG_LIMIT, USERS_PER_REQUEST } from './settings';
import { pacingOf, simLog, simStats, type Pacing } from './simulator';

export interface Scenario {
  label: string;
  processes: number;
  apps: number;
}

export const SCENARIOS: readonly Scenario[] = [
  { label: '(a) 1 process, 1 app', processes: 1, apps: 1 },
  { label: '(b) 3 processes, 1 app', processes: 3, apps: 1 },
  { label: '(c) 1 process, 3 apps', processes: 1, apps: 3 },
  { label: '(d) 3 processes, 3 apps', processes: 3, apps: 3 },
];

/** The APIs of a removal's batch: the look, then the call. */
export const REMOVAL_APIS = ['get_attr', 'remove_attr'] as const;

export interface AppMeasured {
  app: string;
  /** 1-based: the process the CSV was uploaded to and the run started from. */
  startedOn: number;
  /** 1-based: the processes tried first, which refused the upload as standing by. */
  standingBy: number[];
  uploadS: number;
  run: RunSummary;
  seconds: number;
  /** run total / 100 / ceiling. */
  floorS: number;
  /** Most arrivals of this app in any 1 s at the simulator, by API. */
  most: Record<string, number>;
  rateLimited: number;
  /** null when the simulator's request log no longer holds the whole run (every app's requests count toward its limit). */
  pacing: Pacing | null;
}

export interface ProcessMeasured {
  rssMb: number;
  cpuS: number;
  health: HealthSeen;
}

export interface ScenarioMeasured {
  scenario: Scenario;
  apps: AppMeasured[];
  /** While the runs ran, in the order the processes were started. */
  processes: ProcessMeasured[];
  /** The machine's cores, busy while the runs ran (0–1): the simulator, Postgres and every console share them. */
  machineBusy: number | null;
  error: string | null;
}

interface Bench {
  dir: string;
  sim: string;
  cluster: Cluster;
  apps: BenchApp[];
  csvPath: string;
  bytes: number;
}

/** The cluster and the simulator (its three apps of POSTGRES_USERS each), then each scenario in turn; an error ends only its scenario. */
export async function postgresPass(dir: string, csvPath: string, bytes: number): Promise<ScenarioMeasured[]> {
  const cluster = startCluster(await freePort(...PG_PORTS));
  atShutdown(cluster.stop);
  const apps = benchApps(dir);
  const sim = await startSimulator(simApps(apps, POSTGRES_USERS));
  const bench: Bench = { dir, sim, cluster, apps, csvPath, bytes };
  const measured: ScenarioMeasured[] = [];
  for (const [i, scenario] of SCENARIOS.entries()) {
    if (!POSTGRES_SCENARIOS.includes('abcd'[i]!)) continue;
    const consoles: Stack[] = [];
    try {
      measured.push(await scenarioPass(bench, scenario, `bench_${'abcd'[i]}`, consoles));
    } catch (err) {
      console.error(`${scenario.label}:`, err);
      measured.push({ scenario, apps: [], processes: [], machineBusy: null, error: err instanceof Error ? err.message : String(err) });
    } finally {
      for (const stack of consoles) await stopConsole(stack);
    }
  }
  return measured;
}

/** `consoles` is filled as they start, so the caller stops them whatever happens. */
async function scenarioPass(bench: Bench, scenario: Scenario, database: string, consoles: Stack[]): Promise<ScenarioMeasured> {
  const { sim, apps, csvPath, bytes } = bench;
  const databaseUrl = bench.cluster.createDatabase(database);
  // One at a time: each takes the first free port of the range, which the one before may not have bound yet.
  for (let p = 0; p < scenario.processes; p++) consoles.push(await startConsole(bench.dir, sim, appsFile(apps), databaseUrl));
  // Back to the seed, every user holding the CSV's attribute again, and each app's maximum per second from zero.
  await fetch(`${sim}/__sim/reset`, { method: 'POST' });

  const work: (Taken & { app: BenchApp; host: Stack })[] = [];
  for (const [k, app] of apps.slice(0, scenario.apps).entries()) {
    const taken = await uploadWhereTaken(consoles, k % consoles.length, app, csvPath, bytes);
    work.push({ ...taken, app, host: consoles[taken.processIndex]! });
  }

  const busy = machineBusy();
  const samplers = consoles.map((c) => ({ rss: samplePeakRss(c.consolePid), health: sampleHealth(c.base), cpuBefore: cpuSeconds(c.consolePid) }));
  const sampled = () =>
    Promise.all(
      consoles.map(async (c, p): Promise<ProcessMeasured> => {
        const s = samplers[p]!;
        return { rssMb: s.rss() / 1024 / 1024, cpuS: cpuSeconds(c.consolePid) - s.cpuBefore, health: await s.health() };
      }),
    );
  let done: { users: number; run: RunSummary; seconds: number }[];
  let started: Awaited<ReturnType<typeof startRun>>[];
  try {
    // Together, so the apps' removals overlap as they do when operators start them at once.
    started = await Promise.all(
      work.map(({ host, uploadId }) => startRun(host.base, host.cookie, `/api/uploads/${uploadId}/start`, { attrs: [], requestKey: requestKey() })),
    );
    done = await Promise.all(
      work.map(async ({ host }, k) => {
        const { runId, users, clickedMs } = started[k]!;
        return { users, ...(await waitForRun(host.base, host.cookie, runId, clickedMs, (5 * users) / USERS_PER_REQUEST / QPS + 120)) };
      }),
    );
  } catch (err) {
    await sampled();
    throw err;
  }
  const processes = await sampled();
  const machine = busy();
  const stats = await simStats(sim);
  const sentOf = (sdkAppId: number) => REMOVAL_APIS.reduce((n, api) => n + (stats.byApp[String(sdkAppId)]!.byApi[api] ?? 0), 0);
  const log = work.reduce((n, { app }) => n + sentOf(app.sdkAppId), 0) <= SIM_LOG_LIMIT ? await simLog(sim) : null;
  const pacing = work.map(({ app }, k) => (log ? pacingOf(log, started[k]!.clickedAt, REMOVAL_APIS, sentOf(app.sdkAppId), QPS, app.sdkAppId) : null));
  return {
    scenario,
    apps: work.map(({ app, processIndex, standingBy, uploadS }, k) => {
      const appStats = stats.byApp[String(app.sdkAppId)]!;
      return {
        pacing: pacing[k]!,
        app: app.id,
        startedOn: processIndex + 1,
        standingBy: standingBy.map((p) => p + 1),
        uploadS,
        run: done[k]!.run,
        seconds: done[k]!.seconds,
        floorS: done[k]!.users / USERS_PER_REQUEST / QPS,
        most: Object.fromEntries(REMOVAL_APIS.map((api) => [api, appStats.maxPerSecondByApi[api] ?? 0])),
        rateLimited: appStats.rateLimited,
      };
    }),
    processes,
    machineBusy: machine,
    error: null,
  };
}

interface Taken {
  /** 0-based, in the order the processes were started. */
  processIndex: number;
  standingBy: number[];
  uploadId: number;
  uploadS: number;
}

/**
 * The CSV uploaded to process `first`, or, when a process stands by because another is the writer
 * for the database (503 worker.standby), to the next one that takes it: the bench measures
 * whichever way the store shares the sending out, and does not assume one.
 */
async function uploadWhereTaken(consoles: Stack[], first: number, app: BenchApp, csvPath: string, bytes: number): Promise<Taken> {
  const standingBy: number[] = [];
  for (let i = 0; i < consoles.length; i++) {
    const processIndex = (first + i) % consoles.length;
    const { base, cookie } = consoles[processIndex]!;
    try {
      const up = await upload(base, cookie, csvPath, bytes, { appId: app.id });
      if (!up.staged) throw new Error('upload cut off with no cap set');
      return { processIndex, standingBy, uploadId: up.staged.id, uploadS: up.seconds };
    } catch (err) {
      if (!(err instanceof Refused && err.code === 'worker.standby')) throw err;
      standingBy.push(processIndex);
    }
  }
  throw new Error(`${app.id}: every process stands by`);
}
