// `npm run bench`: a generated CSV through the real job path (CSV validation → SQLite → batch
// engine → rate limiter → HTTP) against the simulator in its own process (20 ms latency, 1 % 91000),
// compared with a naive baseline (one request at a time) in the same run.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkCsvText } from '../lib/csv/parse';
import { openDatabase } from '../lib/db/database';
import { createRun, getRun } from '../lib/db/runs';
import { createSqliteStore } from '../lib/store/sqlite';
import { executeRun } from '../lib/jobs/execute-run';
import { JOB_CONCURRENCY } from '../lib/jobs/worker';
import { createRateLimiter, realClock } from '../lib/engine/rate-limiter';
import { createTimClient } from '../lib/tim/client';
import { MAX_USERS_PER_REQUEST } from '../lib/tim/wire';
import { createUserSigCache } from '../lib/tim/usersig-cache';
import { DEMO_SDKAPPID, DEMO_SECRET_KEY } from '../sim/seed';

const USERS = Number(process.env.BENCH_USERS ?? 1_000_000);
const BASELINE_USERS = Number(process.env.BENCH_BASELINE_USERS ?? 100_000);
const QPS = Number(process.env.TIM_MAX_QPS ?? 100);
const SIM_PORT = Number(process.env.BENCH_SIM_PORT ?? 4599);
const SIM_URL = `http://127.0.0.1:${SIM_PORT}`;

interface Figures {
  label: string;
  users: number;
  seconds: number;
  prepareSeconds: number;
  requests: number;
  retries: number;
  peakRssMb: number;
  stored: boolean;
  /** Highest number of requests the console sent within any 1 s window (its own clock). */
  maxSentPerSecond: number;
  /** Send to reply, as the console sees it: the budget's pace is ceiling / (1 + this in s). */
  meanRoundTripMs: number;
}

function maxInAnyWindow(sorted: number[], windowMs = 1000): number {
  let best = 0;
  for (let start = 0, end = 0; end < sorted.length; end++) {
    while (sorted[end]! - sorted[start]! >= windowMs) start++;
    best = Math.max(best, end - start + 1);
  }
  return best;
}

const simAnswers = () => fetch(`${SIM_URL}/__sim/stats`).then((r) => r.ok, () => false);

async function startSim(): Promise<ChildProcess> {
  if (await simAnswers()) throw new Error(`port ${SIM_PORT} is already in use (another benchmark?); set BENCH_SIM_PORT`);
  const child = spawn(process.execPath, ['--import', 'tsx', 'sim/cli.ts'], {
    stdio: ['ignore', 'ignore', 'inherit'],
    env: {
      ...process.env,
      SIM_PORT: String(SIM_PORT),
      SIM_USERS: String(Math.max(USERS, BASELINE_USERS)),
      SIM_LATENCY_MS: '20',
      SIM_FAULT_91000: '0.01',
      SIM_QPS: String(QPS),
    },
  });
  let exited = false;
  child.once('exit', () => (exited = true));
  for (let i = 0; i < 600 && !exited; i++) {
    if (await simAnswers()) return child;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`simulator did not start on port ${SIM_PORT}`);
}

/** The upload as the server receives it: bytes, decoded once (no array of a million row strings). */
function csvFor(users: number): string {
  // Seeded IDs (user00001 …) with 1 % unknown ones, so 70107 outcomes are part of the work.
  const buf = Buffer.alloc(32 + users * 24);
  let at = buf.write('To_Account,Attrs\n');
  for (let n = 1; n <= users; n++) at += buf.write(n % 100 === 0 ? `nobody${n},city\n` : `user${String(n).padStart(5, '0')},city\n`, at);
  return buf.toString('utf8', 0, at);
}

/** As the start action does: parse, validate, store; the parsed file is garbage once this returns. */
function storeUpload(db: ReturnType<typeof openDatabase>, users: number): number {
  const { rows } = checkCsvText(csvFor(users), { knownAttrs: ['sex', 'city', 'tier', 'country', 'plan'], maxRows: users });
  return createRun(db, { source: 'csv', appId: 'default', sdkAppId: DEMO_SDKAPPID, region: 'china', operator: 'bench', users: rows }).runId;
}

async function measure(label: string, users: number, concurrency: number): Promise<Figures> {
  await fetch(`${SIM_URL}/__sim/reset`, { method: 'POST' });
  const dir = mkdtempSync(join(tmpdir(), 'bench-'));
  const db = openDatabase(join(dir, 'bench.db'));
  let peak = process.memoryUsage().rss;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 50);
  try {
    const prepStart = performance.now();
    const runId = storeUpload(db, users);
    const prepareSeconds = (performance.now() - prepStart) / 1000;

    const tim = createTimClient({
      sdkAppId: DEMO_SDKAPPID,
      identifier: 'administrator',
      baseUrl: SIM_URL,
      timeoutMs: 10_000,
      userSig: createUserSigCache({ sdkAppId: DEMO_SDKAPPID, identifier: 'administrator', secretKey: () => DEMO_SECRET_KEY }),
    });
    const sentAt: number[] = [];
    let roundTrips = 0;
    const timed = async (path: string, body: unknown) => {
      const at = performance.now();
      sentAt.push(at);
      const result = await tim.call(path, body);
      roundTrips += performance.now() - at;
      return result;
    };
    const client = { ...tim, call: timed };
    const limiter = createRateLimiter(QPS);
    const start = performance.now();
    await executeRun(runId, { runs: createSqliteStore(db).runs, client, limiter, clock: realClock, concurrency });
    const seconds = (performance.now() - start) / 1000;
    const run = getRun(db, runId)!;
    const minimumRequests = Math.ceil(run.total / MAX_USERS_PER_REQUEST);
    return {
      label,
      users: run.total,
      seconds,
      prepareSeconds,
      requests: run.requests,
      retries: run.requests - minimumRequests,
      peakRssMb: Math.max(peak, process.resourceUsage().maxRSS * 1024) / 1024 / 1024,
      stored: run.pending === 0 && run.removed + run.failed + run.notSent === run.total && run.notSent === 0,
      maxSentPerSecond: maxInAnyWindow(sentAt),
      meanRoundTripMs: roundTrips / sentAt.length,
    };
  } finally {
    clearInterval(sampler);
    db.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

function report(f: Figures) {
  const floor = f.users / MAX_USERS_PER_REQUEST / QPS;
  return {
    run: f.label,
    users: f.users.toLocaleString('en'),
    'users/s': Math.round(f.users / f.seconds).toLocaleString('en'),
    'elapsed s': f.seconds.toFixed(1),
    'floor s': floor.toFixed(1),
    'elapsed/floor': (f.seconds / floor).toFixed(3),
    'parse+store s': f.prepareSeconds.toFixed(1),
    requests: f.requests,
    retries: f.retries,
    'peak RSS MB': Math.round(f.peakRssMb),
    'max sent in 1 s': f.maxSentPerSecond,
    'mean round trip ms': f.meanRoundTripMs.toFixed(1),
    'all outcomes stored': f.stored,
  };
}

async function main() {
  process.env.LOG_LEVEL ??= 'warn';
  console.log(`Benchmark: ${USERS.toLocaleString('en')} users (baseline ${BASELINE_USERS.toLocaleString('en')}), TIM_MAX_QPS=${QPS}, simulator latency 20 ms, 1 % 91000`);
  const sim = await startSim();
  try {
    const job = await measure(`job path (${JOB_CONCURRENCY} lanes)`, USERS, JOB_CONCURRENCY);
    const jobStats = (await (await fetch(`${SIM_URL}/__sim/stats`)).json()) as { maxPerSecond: number; rateLimited: number };
    const naive = await measure('naive baseline (1 in flight)', BASELINE_USERS, 1);
    console.table([report(job), report(naive)]);
    const speedup = job.users / job.seconds / (naive.users / naive.seconds);
    console.log(`job path vs baseline: ${speedup.toFixed(2)}× the users/s`);
    console.log(`simulator: highest arrivals in any 1 s window ${jobStats.maxPerSecond} (ceiling ${QPS}), rate-limit rejections ${jobStats.rateLimited}`);
    const ratio = job.seconds / (job.users / MAX_USERS_PER_REQUEST / QPS);
    console.log(
      `targets: elapsed ≤ 1.05 × floor: ${ratio <= 1.05 ? 'met' : 'MISSED'} (${ratio.toFixed(3)}); no second over the ceiling at the simulator: ${jobStats.maxPerSecond <= QPS ? 'met' : 'MISSED'}; ` +
        `peak RSS ≤ 512 MB: ${job.peakRssMb <= 512 ? 'met' : 'MISSED'}; every outcome stored: ${job.stored ? 'yes' : 'NO'}`,
    );
  } finally {
    sim.kill('SIGTERM');
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
