// The staging pass (BENCH_STAGING=1): per order, a generated file uploaded to a fresh console as
// the browser sends it, then the first seconds of the removal started from the staged upload.
import { mkdirSync, rmSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { requestKey, runNow, startRun, type Staged } from './client';
import { rowsWithin, writeCsv } from './csv';
import { uploadMeasured } from './measure';
import { ORDER_LABELS, rowOrder, type Order } from './orders';
import { startConsole, stopConsole, type Stack } from './processes';
import { fmt } from './report';
import { sampleHealth, samplePeakRss, type HealthSeen } from './samplers';
import { QPS, SIM_LOG_LIMIT, STAGING_CAP_S, STAGING_WINDOW_S } from './settings';
import { firstSendAfter, simStats } from './simulator';
import { seconds, sleep } from './time';

interface Sampled {
  rssMb: number;
  health: HealthSeen;
}

/** The removal started from the staged upload, watched for STAGING_WINDOW_S from the click. */
export interface RemovalWindow extends Sampled {
  answeredS: number;
  /**
   * Click → the simulator's first request of the run, a batch's get_attr or remove_attr; null when
   * none had arrived by readAfterS. Users go in the order of their IDs, so the first batches may be
   * all unknown users (the bench's `nobody…`), whose get_attr leaves nothing to remove.
   */
  firstRequestS: number | null;
  readAfterS: number;
  /** The run's users no longer pending at the window's end. */
  usersDone: number;
  /** remove_attr requests the simulator received in the window. */
  removeRequests: number;
}

export interface StagingMeasured {
  label: string;
  rows: number;
  /** What the file holds, so what an exact preview says. */
  users: number;
  repeatedRows: number;
  bytes: number;
  /** The machine's 1-minute load average as the upload began (other work shares the CPU). */
  load: number;
  /** `staged` null: cut off at STAGING_CAP_S, with the bytes and whole rows sent by then. */
  /** `cpuS`: CPU seconds the console used meanwhile, all its threads together: the work, whatever else shares the machine. */
  upload: (Sampled & { seconds: number; cpuS: number } & ({ staged: Staged; sentS: number | null } | { staged: null; bytesSent: number; rowsSent: number })) | null;
  removal: RemovalWindow | null;
  error: string | null;
}

async function removalWindow(stack: Stack, uploadId: number): Promise<RemovalWindow> {
  const { sim, base, cookie } = stack;
  await fetch(`${sim}/__sim/requests`, { method: 'DELETE' });
  const before = await simStats(sim);
  const peakRss = samplePeakRss(stack.consolePid);
  const health = sampleHealth(base);
  const started = await startRun(base, cookie, `/api/uploads/${uploadId}/start`, { attrs: [], requestKey: requestKey() });
  // A batch is a get_attr and a remove_attr, each at most QPS a second: read the log before it can overflow.
  const readAfterS = Math.min(STAGING_WINDOW_S, SIM_LOG_LIMIT / (2 * QPS));
  const firstRequest = firstSendAfter(sim, started.clickedAt, ['get_attr', 'remove_attr'], readAfterS * 1000 - seconds(started.clickedMs) * 1000);
  await sleep(STAGING_WINDOW_S * 1000 - seconds(started.clickedMs) * 1000);
  const run = await runNow(base, cookie, started.runId);
  const after = await simStats(sim);
  return {
    answeredS: started.answeredS,
    firstRequestS: await firstRequest,
    readAfterS,
    usersDone: run.total - run.pending,
    removeRequests: (after.byApi.remove_attr ?? 0) - (before.byApi.remove_attr ?? 0),
    rssMb: peakRss() / 1024 / 1024,
    health: await health(),
  };
}

/** One order: its file written, a fresh console, the upload (cut off at the cap), the removal's window, and that console stopped. */
async function stageOrder(dir: string, sim: string, order: Order, rows: number): Promise<StagingMeasured> {
  const orderDir = join(dir, order);
  mkdirSync(orderDir);
  const shape = rowOrder(order, rows);
  const csvPath = join(orderDir, 'staging.csv');
  const bytes = await writeCsv(csvPath, rows, shape.userAt);
  const m: StagingMeasured = {
    label: ORDER_LABELS[order],
    rows,
    users: shape.users,
    repeatedRows: shape.repeatedRows,
    bytes,
    load: 0,
    upload: null,
    removal: null,
    error: null,
  };
  let stack: Stack | null = null;
  try {
    stack = await startConsole(orderDir, sim, null);
    m.load = loadavg()[0]!;
    console.log(`${m.label}: ${fmt(rows)} rows (${(bytes / 1e6).toFixed(1)} MB), load ${m.load.toFixed(1)}: uploading to a fresh console…`);
    const up = await uploadMeasured(stack, csvPath, bytes, STAGING_CAP_S);
    m.upload = up.staged ? up : { ...up, rowsSent: await rowsWithin(csvPath, up.bytesSent) };
    if (up.staged) m.removal = await removalWindow(stack, up.staged.id);
  } catch (err) {
    m.error = err instanceof Error ? err.message : String(err);
  } finally {
    // Stopping the console ends its upload or its run; the simulator is put back for the next order.
    if (stack) await stopConsole(stack);
    rmSync(orderDir, { recursive: true, force: true });
    await fetch(`${sim}/__sim/reset`, { method: 'POST' });
  }
  return m;
}

export async function stagingPass(dir: string, sim: string, orders: readonly Order[], rows: number): Promise<StagingMeasured[]> {
  const measured: StagingMeasured[] = [];
  for (const order of orders) measured.push(await stageOrder(dir, sim, order, rows));
  return measured;
}
