// `npm run bench`: what an operator sees, over HTTP, from the production console (`next start`) on
// the simulator (20 ms latency, 1 % 91000): sign in, upload a generated CSV (upload→preview), start
// it (start→complete), while sampling the console's memory and /api/health; then the simulator's
// own arrivals per second, and a sequential baseline straight to the simulator.
// It only talks HTTP to the console, so no change inside lib/ changes what it measures.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes, randomInt } from 'node:crypto';
import { createReadStream, createWriteStream, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { once } from 'node:events';
import http from 'node:http';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Api } from 'tls-sig-api-v2';
import { MAX_USERS as SIM_MAX_USERS } from '../sim/cli-config';
import { DEMO_NAMED_USERS, DEMO_SDKAPPID, DEMO_SECRET_KEY } from '../sim/seed';

const USERS = Number(process.env.BENCH_USERS ?? 1_000_000);
const BASELINE_USERS = Number(process.env.BENCH_BASELINE_USERS ?? 100_000);
const QPS = Number(process.env.TIM_MAX_QPS ?? 100);
const SKIP_BUILD = process.env.BENCH_SKIP_BUILD === '1';
const USERS_PER_REQUEST = 100;
const ADMIN = { username: 'bench-admin', password: randomBytes(18).toString('base64url') };
const NEXT_BIN = 'node_modules/next/dist/bin/next';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const seconds = (fromMs: number) => (performance.now() - fromMs) / 1000;

/** Other people's tests share this machine: take the first free port of our range, not a fixed one. */
async function freePort(from: number, to: number): Promise<number> {
  for (let port = from; port <= to; port++) {
    const server = createServer();
    const free = await new Promise<boolean>((resolve) => {
      server.once('error', () => resolve(false));
      server.listen(port, '127.0.0.1', () => resolve(true));
    });
    if (free) {
      await new Promise((resolve) => server.close(resolve));
      return port;
    }
  }
  throw new Error(`no free port in ${from}..${to}`);
}

const children: ChildProcess[] = [];

function spawnNode(args: string[], env: Record<string, string> = {}): ChildProcess {
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'inherit', 'inherit'], env: { ...process.env, ...env } });
  children.push(child);
  return child;
}

/** A server that should live as long as the benchmark: say so at once when it dies. */
function startServer(label: string, args: string[], env: Record<string, string>): ChildProcess {
  const child = spawnNode(args, env);
  child.once('exit', (code, signal) => {
    if (!stopping) console.error(`${label} exited (${signal ?? code}) before the benchmark finished`);
  });
  return child;
}

let stopping = false;
let tempDir: string | undefined;

/** Waits for the exits, so the temp directory is removed after the console has closed its database. */
async function shutdown(): Promise<void> {
  stopping = true;
  const running = children.filter((c) => c.exitCode === null && c.signalCode === null);
  for (const child of running) child.kill('SIGTERM');
  // Unref'd: once the children are gone, the give-up timer must not keep the bench alive.
  const giveUp = new Promise((resolve) => setTimeout(resolve, 10_000).unref());
  await Promise.race([Promise.all(running.map((c) => once(c, 'exit'))), giveUp]);
  if (tempDir) rmSync(tempDir, { recursive: true, force: true });
}

async function waitUntilUp(label: string, child: ChildProcess, url: string, timeoutMs: number): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`${label} exited while starting`);
    if (await fetch(url).then((r) => r.ok, () => false)) return;
    await sleep(200);
  }
  throw new Error(`${label} did not answer ${url} within ${timeoutMs / 1000} s`);
}

function build(): Promise<void> {
  const child = spawnNode([NEXT_BIN, 'build']);
  return new Promise((resolve, reject) =>
    child.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`next build failed (${code})`)))),
  );
}

/** The i-th user of the CSV: a seeded ID, except every 100th, which the simulator does not know (70107). */
const userId = (n: number) => (n % 100 === 0 ? `nobody${n}` : `user${String(n).padStart(5, '0')}`);

async function writeCsv(path: string, users: number): Promise<number> {
  const out = createWriteStream(path);
  let chunk = 'To_Account,Attrs\n';
  for (let n = 1; n <= users; n++) {
    chunk += `${userId(n)},city\n`;
    if (chunk.length > 1 << 20 || n === users) {
      if (!out.write(chunk)) await once(out, 'drain');
      chunk = '';
    }
  }
  out.end();
  await once(out, 'finish');
  return statSync(path).size;
}

/**
 * The sign-in form is a react-hook-form `onSubmit` that calls the server action from JavaScript:
 * it renders no `action`, so no `$ACTION_ID_…` field, and the action takes an object, not FormData
 * (a hand-made `$ACTION_ID_<id>` multipart post is answered 200 with no cookie). So this sends what
 * the page's own script sends: the action's ID, found in the chunks /login loads, and its argument
 * as JSON in a POST to /login.
 */
async function signIn(base: string): Promise<string> {
  const html = await (await fetch(`${base}/login`)).text();
  const scripts = [...html.matchAll(/<script[^>]+src="(\/_next\/static\/[^"]+\.js)"/g)].map((m) => m[1]!);
  let actionId: string | undefined;
  for (const src of scripts) {
    const js = await (await fetch(`${base}${src}`)).text();
    actionId = /createServerReference\)\("([0-9a-f]+)",[^;]*?"signInAction"\)/.exec(js)?.[1];
    if (actionId) break;
  }
  if (!actionId) throw new Error(`sign-in: no signInAction reference in the ${scripts.length} scripts /login loads`);
  const res = await fetch(`${base}/login`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'next-action': actionId, 'content-type': 'text/plain;charset=UTF-8', accept: 'text/x-component', origin: base },
    body: JSON.stringify([{ username: ADMIN.username, password: ADMIN.password }]),
  });
  const session = res.headers.getSetCookie().map((c) => c.split(';')[0]!).find((c) => c.startsWith('tim_console_session='));
  if (!session) throw new Error(`sign-in: HTTP ${res.status}, no tim_console_session cookie`);
  return session;
}

interface Staged {
  id: number;
  users: number;
  rowsRead: number;
  invalidRows: number;
}

/** The file streamed as the request body; timed from the first byte sent to the 201 answer. */
function upload(base: string, cookie: string, path: string, bytes: number): Promise<{ staged: Staged; seconds: number }> {
  return new Promise((resolve, reject) => {
    // On loopback the connection takes well under a millisecond: the first byte leaves at once.
    const started = performance.now();
    const req = http.request(`${base}/api/uploads?appId=default&name=bench.csv`, {
      method: 'POST',
      headers: { cookie, 'content-type': 'text/csv', 'content-length': bytes },
    });
    req.once('error', reject);
    req.once('response', (res) => {
      const answeredAfter = seconds(started);
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (s: string) => (body += s));
      res.once('end', () => {
        if (res.statusCode !== 201) return reject(new Error(`upload: HTTP ${res.statusCode}: ${body}`));
        resolve({ staged: JSON.parse(body) as Staged, seconds: answeredAfter });
      });
    });
    createReadStream(path).once('error', reject).pipe(req);
  });
}

interface RunSummary {
  status: string;
  total: number;
  succeeded: number;
  failed: number;
  notSent: number;
  pending: number;
  requests: number;
  error: unknown;
}

/** Start removal, as the page's Confirm removal does. */
async function startRun(base: string, cookie: string, uploadId: number): Promise<{ runId: number; clickedMs: number; clickedAt: number }> {
  const clickedMs = performance.now();
  const clickedAt = Date.now();
  const res = await fetch(`${base}/api/uploads/${uploadId}/start`, {
    method: 'POST',
    headers: { cookie, 'content-type': 'application/json' },
    body: JSON.stringify({ attrs: [], requestKey: randomBytes(16).toString('hex') }),
  });
  if (res.status !== 201) throw new Error(`start: HTTP ${res.status}: ${await res.text()}`);
  const { runId } = (await res.json()) as { runId: number };
  return { runId, clickedMs, clickedAt };
}

/** The progress poll the page does, until the run is no longer running. */
async function waitForRun(base: string, cookie: string, runId: number, clickedMs: number, deadlineS: number): Promise<{ run: RunSummary; seconds: number }> {
  for (;;) {
    const polled = performance.now();
    const status = await fetch(`${base}/api/runs/${runId}`, { headers: { cookie } });
    if (!status.ok) throw new Error(`run ${runId}: HTTP ${status.status}: ${await status.text()}`);
    const { run } = (await status.json()) as { run: RunSummary };
    if (run.status !== 'running') {
      if (run.status !== 'completed') throw new Error(`run ${runId} ended ${run.status}: ${JSON.stringify(run.error)}`);
      return { run, seconds: seconds(clickedMs) };
    }
    if (seconds(clickedMs) > deadlineS) throw new Error(`run ${runId} still running after ${deadlineS} s (${run.pending} pending)`);
    await sleep(250 - (performance.now() - polled));
  }
}

/**
 * Seconds from the click to the simulator's first remove_attr arrival (both wall clocks of this
 * machine). Read 2 s after the click: the request log keeps only the newest 20,000 entries, which a
 * 10M-user run overwrites long before it ends.
 */
async function firstSendAfter(sim: string, clickedAt: number): Promise<number | null> {
  await sleep(2000);
  const log = (await (await fetch(`${sim}/__sim/requests`)).json()) as { at: number; api: string }[];
  const first = Math.min(...log.filter((r) => r.api === 'remove_attr' && r.at >= clickedAt).map((r) => r.at));
  return Number.isFinite(first) ? (first - clickedAt) / 1000 : null;
}

/** VmRSS of a process and all its descendants, from /proc; 0 once the process is gone. */
function treeRssBytes(root: number): number {
  const childrenOf = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      // The command name may hold spaces and parentheses: the fields after its last ')' are fixed.
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      childrenOf.set(ppid, [...(childrenOf.get(ppid) ?? []), Number(entry)]);
    } catch {
      // exited between readdir and read
    }
  }
  let total = 0;
  for (const pids = [root]; pids.length > 0; ) {
    const pid = pids.pop()!;
    try {
      const kb = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
      total += Number(kb ?? 0) * 1024;
    } catch {
      continue;
    }
    pids.push(...(childrenOf.get(pid) ?? []));
  }
  return total;
}

function samplePeakRss(pid: number): () => number {
  let peak = treeRssBytes(pid);
  const timer = setInterval(() => (peak = Math.max(peak, treeRssBytes(pid))), 200);
  return () => {
    clearInterval(timer);
    return Math.max(peak, treeRssBytes(pid));
  };
}

/** The worst /api/health answer time, asked every 250 ms (or as soon as a slow answer came). */
function sampleHealth(base: string): () => Promise<{ worstMs: number; samples: number; failures: number }> {
  let worstMs = 0;
  let samples = 0;
  let failures = 0;
  let running = true;
  const loop = (async () => {
    while (running) {
      const asked = performance.now();
      const ok = await fetch(`${base}/api/health`).then(
        async (res) => (await res.arrayBuffer(), res.ok),
        () => false,
      );
      const ms = performance.now() - asked;
      worstMs = Math.max(worstMs, ms);
      samples++;
      if (!ok) failures++;
      await sleep(250 - ms);
    }
  })();
  return async () => {
    running = false;
    await loop;
    return { worstMs, samples, failures };
  };
}

interface SimStats {
  rateLimited: number;
  maxPerSecondByApi: Record<string, number>;
  byApi: Record<string, number>;
  faultsInjected: Record<string, number>;
}

/** The simulator counts each API's arrivals in a sliding (now − 1 s, now] window; this is its maximum. */
const simStats = async (sim: string) => (await (await fetch(`${sim}/__sim/stats`)).json()) as SimStats;

/** A script with no console: one remove_attr request at a time, retried at once on 91000. */
async function baseline(sim: string, users: number): Promise<{ seconds: number; requests: number }> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const userSig = new Api(DEMO_SDKAPPID, DEMO_SECRET_KEY).genUserSig('administrator', 86_400);
  const post = (body: string) =>
    new Promise<{ ErrorCode: number; ErrorInfo: string }>((resolve, reject) => {
      const q = new URLSearchParams({ sdkappid: String(DEMO_SDKAPPID), identifier: 'administrator', usersig: userSig, random: String(randomInt(0, 2 ** 32)), contenttype: 'json' });
      const req = http.request(`${sim}/v4/timpush/remove_attr?${q}`, { method: 'POST', agent, headers: { 'content-type': 'application/json' } }, (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (s: string) => (text += s));
        res.once('end', () => resolve(JSON.parse(text) as { ErrorCode: number; ErrorInfo: string }));
      });
      req.once('error', reject);
      req.end(body);
    });
  let requests = 0;
  const started = performance.now();
  for (let first = 1; first <= users; first += USERS_PER_REQUEST) {
    const batch = Array.from({ length: Math.min(USERS_PER_REQUEST, users - first + 1) }, (_, i) => ({ To_Account: userId(first + i), Attrs: ['city'] }));
    const body = JSON.stringify({ UserAttrs: batch });
    for (let attempt = 1; ; attempt++) {
      requests++;
      const reply = await post(body);
      if (reply.ErrorCode === 0) break;
      if (reply.ErrorCode !== 91000 || attempt === 5) throw new Error(`baseline: ${reply.ErrorCode} ${reply.ErrorInfo}`);
    }
  }
  agent.destroy();
  return { seconds: seconds(started), requests };
}

async function main(): Promise<void> {
  const floorS = USERS / USERS_PER_REQUEST / QPS;
  // The ten named demo users come first, so user00001 … userN needs N + 10 seeded.
  const simUsers = Math.min(Math.max(USERS, BASELINE_USERS) + DEMO_NAMED_USERS.length, SIM_MAX_USERS);
  console.log(`Benchmark: ${USERS.toLocaleString('en')} users over HTTP (baseline ${BASELINE_USERS.toLocaleString('en')}), TIM_MAX_QPS=${QPS}, simulator latency 20 ms, 1 % 91000`);
  if (simUsers < USERS + DEMO_NAMED_USERS.length) {
    console.log(`The simulator holds at most ${SIM_MAX_USERS.toLocaleString('en')} users: the CSV's users past user${SIM_MAX_USERS - DEMO_NAMED_USERS.length} fail with 70107 (the requests are the same).`);
  }
  if (!SKIP_BUILD) await build();

  const dir = (tempDir = mkdtempSync(join(tmpdir(), 'bench-')));
  try {
    const csvPath = join(dir, 'bench.csv');
    const [bytes, simPort, consolePort] = await Promise.all([writeCsv(csvPath, USERS), freePort(4600, 4699), freePort(3600, 3699)]);
    const sim = `http://127.0.0.1:${simPort}`;
    const base = `http://127.0.0.1:${consolePort}`;

    const simChild = startServer('simulator', ['--max-old-space-size=4096', '--import', 'tsx', 'sim/cli.ts'], {
      SIM_PORT: String(simPort),
      SIM_USERS: String(simUsers),
      SIM_LATENCY_MS: '20',
      SIM_FAULT_91000: '0.01',
      SIM_QPS: String(QPS),
    });
    await waitUntilUp('simulator', simChild, `${sim}/__sim/stats`, 120_000);
    const consoleChild = startServer('console', [NEXT_BIN, 'start', '-H', '127.0.0.1', '-p', String(consolePort)], {
      TIM_APPS_FILE: '',
      TIM_SDKAPPID: String(DEMO_SDKAPPID),
      TIM_SECRET_KEY: DEMO_SECRET_KEY,
      TIM_BASE_URL: sim,
      TIM_MAX_QPS: String(QPS),
      DATABASE_PATH: join(dir, 'console.db'),
      SESSION_SECRET: randomBytes(36).toString('base64'),
      CONSOLE_ADMIN_USERNAME: ADMIN.username,
      CONSOLE_ADMIN_PASSWORD: ADMIN.password,
      LOG_LEVEL: 'warn',
    });
    await waitUntilUp('console', consoleChild, `${base}/api/health`, 60_000);
    const cookie = await signIn(base);

    const peakRss = samplePeakRss(consoleChild.pid!);
    const health = sampleHealth(base);
    const up = await upload(base, cookie, csvPath, bytes);
    const started = await startRun(base, cookie, up.staged.id);
    const firstSend = firstSendAfter(sim, started.clickedAt);
    const done = await waitForRun(base, cookie, started.runId, started.clickedMs, 5 * floorS + 120);
    const firstSendS = await firstSend;
    const rssBytes = peakRss();
    const { worstMs, samples, failures } = await health();
    const stats = await simStats(sim);

    await fetch(`${sim}/__sim/reset`, { method: 'POST' });
    const naive = await baseline(sim, BASELINE_USERS);

    const { run } = done;
    const ratio = done.seconds / floorS;
    const mostInOneSecond = stats.maxPerSecondByApi.remove_attr ?? 0;
    const rssMb = rssBytes / 1024 / 1024;
    const consoleRate = run.total / done.seconds;
    const naiveRate = BASELINE_USERS / naive.seconds;
    const minimumRequests = Math.ceil(run.total / USERS_PER_REQUEST);
    const fmt = (n: number) => n.toLocaleString('en', { maximumFractionDigits: 0 });
    console.table({
      'CSV file': { value: `${fmt(USERS)} rows, ${(bytes / 1e6).toFixed(1)} MB` },
      'upload→preview s': { value: up.seconds.toFixed(1) },
      'staged users / invalid rows': { value: `${fmt(up.staged.users)} / ${fmt(up.staged.invalidRows)}` },
      'start→first request s': { value: firstSendS === null ? 'none within 2 s' : firstSendS.toFixed(2) },
      'start→complete s': { value: done.seconds.toFixed(1) },
      'floor s (users / 100 / ceiling)': { value: floorS.toFixed(1) },
      'start→complete / floor': { value: ratio.toFixed(3) },
      'console users/s': { value: fmt(consoleRate) },
      'removed / failed / not sent': { value: `${fmt(run.succeeded)} / ${fmt(run.failed)} / ${fmt(run.notSent)}` },
      'requests (retries)': { value: `${fmt(run.requests)} (${fmt(run.requests - minimumRequests)})` },
      'simulator: 91000 injected': { value: stats.faultsInjected.error91000 ?? 0 },
      'simulator: most arrivals in 1 s': { value: mostInOneSecond },
      'simulator: 60007 answers': { value: stats.rateLimited },
      'console peak RSS MB (process tree)': { value: Math.round(rssMb) },
      'worst /api/health ms': { value: `${Math.round(worstMs)} (${samples} samples, ${failures} not ok)` },
      [`baseline users/s (1 in flight, ${fmt(BASELINE_USERS)} users)`]: { value: `${fmt(naiveRate)} (${naive.seconds.toFixed(1)} s, ${fmt(naive.requests)} requests)` },
      'console speed-up over baseline': { value: `${(consoleRate / naiveRate).toFixed(2)}×` },
    });
    const verdict = (met: boolean) => (met ? 'met' : 'MISSED');
    console.log('targets:');
    console.log(`  start→complete ≤ 1.05 × floor (${(1.05 * floorS).toFixed(1)} s): ${verdict(ratio <= 1.05)} (${ratio.toFixed(3)})`);
    console.log(`  no simulator second over ${QPS}: ${verdict(mostInOneSecond <= QPS)} (${mostInOneSecond}, ${stats.rateLimited} × 60007)`);
    console.log(`  peak RSS ≤ 512 MB: ${verdict(rssMb <= 512)} (${Math.round(rssMb)})`);
    console.log(`  /api/health ≤ 200 ms: ${verdict(worstMs <= 200 && failures === 0)} (${Math.round(worstMs)} ms, ${failures} not ok)`);
  } finally {
    await shutdown();
  }
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => void shutdown().then(() => process.exit(130)));
}

main().catch((err: unknown) => {
  console.error(err);
  void shutdown().then(() => process.exit(1));
});
