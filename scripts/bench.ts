// `npm run bench`: what an operator sees, over HTTP, from the production console (`next start`) on
// the simulator (20 ms latency, 1 % 91000): sign in, upload a generated CSV (upload→preview), then
// three runs of its users one after the other, each timed from its start to `completed` while the
// console's memory and /api/health are sampled: a dry run (get_attr only), the removal from that
// dry run (get_attr, then remove_attr, per batch) and the restore of that removal (get_attr, then
// set_attr). Then a sample of users checked against the simulator's state (as before the dry run),
// the simulator's own arrivals per second and API, and a sequential baseline straight to the
// simulator. BENCH_SHARED_BUDGET=1 is another mode: one removal through a TIM_APPS_FILE app whose
// APIs share one budget (`sharedBudget: true`), where the snapshot costs a second floor.
// It only talks HTTP to the console, so no change inside lib/ changes what it measures.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes, randomInt } from 'node:crypto';
import { createReadStream, createWriteStream, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { once } from 'node:events';
import http from 'node:http';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Api } from 'tls-sig-api-v2';
import { MAX_USERS as SIM_MAX_USERS } from '../sim/cli-config';
import { DEMO_NAMED_USERS, DEMO_SDKAPPID, DEMO_SECRET_KEY } from '../sim/seed';

/** The shared-budget mode: one removal through an app whose APIs share one budget, smaller by default. */
const SHARED_BUDGET = process.env.BENCH_SHARED_BUDGET === '1';
const USERS = Number(process.env.BENCH_USERS ?? (SHARED_BUDGET ? 200_000 : 1_000_000));
const BASELINE_USERS = Number(process.env.BENCH_BASELINE_USERS ?? 100_000);
/** Users whose values are read before the dry run and compared after the restore. */
const SAMPLE_USERS = Number(process.env.BENCH_SAMPLE_USERS ?? 1000);
const QPS = Number(process.env.TIM_MAX_QPS ?? 100);
const SKIP_BUILD = process.env.BENCH_SKIP_BUILD === '1';
const USERS_PER_REQUEST = 100;
/** The simulator's request log keeps this many entries (its default). */
const SIM_LOG_LIMIT = 20_000;
const SIM_PORTS = portRange('BENCH_SIM_PORTS', '4600-4699');
const CONSOLE_PORTS = portRange('BENCH_CONSOLE_PORTS', '3600-3699');
const ADMIN = { username: 'bench-admin', password: randomBytes(18).toString('base64url') };
const NEXT_BIN = 'node_modules/next/dist/bin/next';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const seconds = (fromMs: number) => (performance.now() - fromMs) / 1000;

/** `BENCH_SIM_PORTS` / `BENCH_CONSOLE_PORTS`: "from-to", where each server takes its first free port. */
function portRange(name: string, fallback: string): [number, number] {
  const text = process.env[name] || fallback;
  const m = /^(\d+)-(\d+)$/.exec(text.trim());
  if (!m || Number(m[1]) > Number(m[2]) || Number(m[2]) > 65535) throw new Error(`${name} must be a port range such as ${fallback}, got ${JSON.stringify(text)}`);
  return [Number(m[1]), Number(m[2])];
}

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
 * The sign-in form as a browser with scripts off posts it: the hidden fields React renders into it
 * (the action's ID and its bound state) and the two typed ones, multipart, to /login. The action
 * answers with the redirect and the session cookie.
 */
async function signIn(base: string): Promise<string> {
  const html = await (await fetch(`${base}/login`)).text();
  const form = /<form[^>]*>([\s\S]*?)<\/form>/.exec(html)?.[1];
  if (!form) throw new Error('sign-in: no form on /login');
  const body = new FormData();
  for (const [input] of form.matchAll(/<input[^>]*type="hidden"[^>]*>/g)) {
    const attr = (name: string) => unescapeHtml(new RegExp(` ${name}="([^"]*)"`).exec(input)?.[1] ?? '');
    body.append(attr('name'), attr('value'));
  }
  body.append('username', ADMIN.username);
  body.append('password', ADMIN.password);
  const res = await fetch(`${base}/login`, { method: 'POST', redirect: 'manual', headers: { origin: base }, body });
  const session = res.headers.getSetCookie().map((c) => c.split(';')[0]!).find((c) => c.startsWith('tim_console_session='));
  if (!session) throw new Error(`sign-in: HTTP ${res.status}, no tim_console_session cookie`);
  return session;
}

const unescapeHtml = (s: string) =>
  s.replace(/&quot;/g, '"').replace(/&#x27;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');

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
  kind: string;
  status: string;
  total: number;
  /** Removed, checked or restored, by the run's kind. */
  succeeded: number;
  skipped: number;
  failed: number;
  notSent: number;
  pending: number;
  requests: number;
  error: unknown;
}

interface Started {
  runId: number;
  /** The users the run was made for (its total). */
  users: number;
  clickedMs: number;
  clickedAt: number;
  /** Seconds from the click to the 201. */
  answeredS: number;
}

const requestKey = () => randomBytes(16).toString('hex');

/**
 * A start as the pages' buttons do it, answered 201 `{ runId, users }`: an upload's Confirm removal
 * or Check current values (`/api/uploads/:id/start`), a dry run's Remove (`/api/runs/:id/remove`),
 * a removal's Restore (`/api/runs/:id/restore`, `{}`).
 */
async function startRun(base: string, cookie: string, path: string, body: object): Promise<Started> {
  const clickedMs = performance.now();
  const clickedAt = Date.now();
  const res = await fetch(`${base}${path}`, {
    method: 'POST',
    headers: { cookie, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (res.status !== 201) throw new Error(`POST ${path}: HTTP ${res.status}: ${await res.text()}`);
  const { runId, users } = (await res.json()) as { runId: number; users: number };
  return { runId, users, clickedMs, clickedAt, answeredS: seconds(clickedMs) };
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

interface LogEntry {
  at: number;
  api: string;
}

const simLog = async (sim: string) => (await (await fetch(`${sim}/__sim/requests`)).json()) as LogEntry[];

/**
 * Seconds from the click to the simulator's first arrival of one of the run's APIs (both wall
 * clocks of this machine). Read 2 s after the click: the request log keeps only the newest 20,000
 * entries, which a 10M-user run overwrites long before it ends (it is cleared before each start).
 */
async function firstSendAfter(sim: string, clickedAt: number, apis: readonly string[]): Promise<number | null> {
  await sleep(2000);
  const log = await simLog(sim);
  const first = Math.min(...log.filter((r) => apis.includes(r.api) && r.at >= clickedAt).map((r) => r.at));
  return Number.isFinite(first) ? (first - clickedAt) / 1000 : null;
}

/**
 * The most arrivals of these APIs together in any 1 s, from the request log (arrival wall-clock
 * ms, window (t − 1000, t]); null when the log no longer holds all of the run's requests.
 */
async function mostTogetherInOneSecond(sim: string, sinceAt: number, apis: readonly string[], expected: number): Promise<number | null> {
  const at = (await simLog(sim))
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

interface HealthSeen {
  worstMs: number;
  /** When the worst answer was asked, in seconds after sampling began. */
  worstAtS: number;
  samples: number;
  failures: number;
}

/** The worst /api/health answer time, asked every 250 ms (or as soon as a slow answer came). */
function sampleHealth(base: string): () => Promise<HealthSeen> {
  const began = performance.now();
  let worstMs = 0;
  let worstAtS = 0;
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
      if (ms > worstMs) [worstMs, worstAtS] = [ms, (asked - began) / 1000];
      samples++;
      if (!ok) failures++;
      await sleep(250 - ms);
    }
  })();
  return async () => {
    running = false;
    await loop;
    return { worstMs, worstAtS, samples, failures };
  };
}

interface SimStats {
  rateLimited: number;
  maxPerSecondByApi: Record<string, number>;
  byApi: Record<string, number>;
  faultsInjected: Record<string, number>;
}

/**
 * The simulator counts each API's arrivals in a sliding (now − 1 s, now] window; maxPerSecondByApi
 * is its maximum since it started (or was reset: which also resets its users, so not between runs).
 */
const simStats = async (sim: string) => (await (await fetch(`${sim}/__sim/stats`)).json()) as SimStats;

type Attrs = Record<string, string>;

/** The simulator's current values of these users (null: no such user), from its control API. */
async function simUsers(sim: string, ids: string[]): Promise<Map<string, Attrs | null>> {
  const res = await fetch(`${sim}/__sim/users/query`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ ids }) });
  if (!res.ok) throw new Error(`simulator users/query: HTTP ${res.status}: ${await res.text()}`);
  const { users } = (await res.json()) as { users: Record<string, Attrs | null> };
  return new Map(ids.map((id) => [id, users[id] ?? null]));
}

/** `count` users spread evenly over the CSV's rows 1 … users. */
function sampleIds(users: number, count: number): string[] {
  const n = Math.max(1, Math.min(count, users));
  return [...new Set(Array.from({ length: n }, (_, i) => userId(1 + Math.floor((i * users) / n))))];
}

const sameValues = (a: Attrs | null, b: Attrs | null) =>
  a === null || b === null ? a === b : JSON.stringify(Object.entries(a).sort()) === JSON.stringify(Object.entries(b).sort());

interface Stack {
  sim: string;
  base: string;
  cookie: string;
  consolePid: number;
}

/** One run, from its start to `completed`: the console's figures and the simulator's for it alone. */
interface Measured {
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
}

async function measureRun(
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
  };
  if (opts.together) {
    const sent = Object.values(byApi).reduce((a, b) => a + b, 0);
    measured.together = sent <= SIM_LOG_LIMIT ? await mostTogetherInOneSecond(sim, started.clickedAt, apis, sent) : null;
  }
  return measured;
}

const fmt = (n: number) => n.toLocaleString('en', { maximumFractionDigits: 0 });
const verdict = (met: boolean) => (met ? 'met' : 'MISSED');

/** The rows every run shows, one column per run. */
function runRows(runs: Measured[]): Record<string, Record<string, string | number>> {
  const rows: Record<string, Record<string, string | number>> = {};
  const row = (name: string, value: (m: Measured) => string | number) => (rows[name] = Object.fromEntries(runs.map((m) => [m.label, value(m)])));
  const perApi = (m: Measured, value: (api: string) => string) => m.apis.map((api) => `${api} ${value(api)}`).join(', ');
  row('run (kind)', (m) => `${m.runId} (${m.run.kind})`);
  row('users (run total)', (m) => fmt(m.run.total));
  row('start→201 answer s', (m) => m.answeredS.toFixed(2));
  row('start→first request s', (m) => (m.firstSendS === null ? 'none within 2 s' : m.firstSendS.toFixed(2)));
  row('start→complete s', (m) => m.seconds.toFixed(1));
  row('floor s (total / 100 / ceiling)', (m) => m.floorS.toFixed(1));
  row('start→complete / floor', (m) => (m.seconds / m.floorS).toFixed(3));
  row('console users/s', (m) => fmt(m.run.total / m.seconds));
  row('done / skipped / failed / not sent', (m) => `${fmt(m.run.succeeded)} / ${fmt(m.run.skipped)} / ${fmt(m.run.failed)} / ${fmt(m.run.notSent)}`);
  row('console requests (over 1 per API per batch)', (m) => {
    const minimum = m.apis.length * Math.ceil(m.run.total / USERS_PER_REQUEST);
    return `${fmt(m.run.requests)} (${fmt(m.run.requests - minimum)})`;
  });
  row('simulator: requests by API', (m) => perApi(m, (api) => fmt(m.byApi[api] ?? 0)));
  row('simulator: most arrivals in 1 s by API', (m) => perApi(m, (api) => `${m.most[api]!.exact ? '' : '≤ '}${m.most[api]!.value}`));
  if (runs.some((m) => m.together !== undefined)) {
    row('simulator: most in 1 s, APIs together', (m) => (m.together === undefined ? '' : m.together === null ? `n/a (log keeps ${fmt(SIM_LOG_LIMIT)})` : m.together));
  }
  row('simulator: 91000 injected', (m) => m.error91000);
  row('simulator: 60007 answers', (m) => m.rateLimited);
  row('console peak RSS MB (process tree)', (m) => Math.round(m.rssMb));
  row('worst /api/health ms (asked s after start)', (m) => `${Math.round(m.health.worstMs)} (at ${m.health.worstAtS.toFixed(1)}; ${m.health.samples} samples, ${m.health.failures} not ok)`);
  return rows;
}

/** The targets each run should meet, printed as met or MISSED (a miss does not fail the command). */
function printRunTargets(runs: Measured[], floorsPerBatch = 1): void {
  const target = (text: string, met: boolean) => console.log(`  ${text}: ${verdict(met)}`);
  for (const m of runs) {
    const floor = floorsPerBatch * m.floorS;
    const ratio = m.seconds / floor;
    const floorText = floorsPerBatch === 1 ? 'floor' : `${floorsPerBatch} × floor`;
    target(`${m.label}: start→complete ≤ 1.05 × ${floorText} (${(1.05 * floor).toFixed(1)} s) (${ratio.toFixed(3)})`, ratio <= 1.05);
    const worst = Math.max(...m.apis.map((api) => m.most[api]!.value));
    target(`${m.label}: no simulator second over ${QPS} on any API (${m.apis.map((api) => `${api} ${m.most[api]!.value}`).join(', ')}; ${m.rateLimited} × 60007)`, worst <= QPS);
    if (m.together !== undefined) {
      target(
        `${m.label}: no second over ${QPS} of ${m.apis.join(' and ')} together (${m.together ?? 'log too short'})`,
        m.together !== null && m.together <= QPS,
      );
    }
  }
  const rssMb = Math.max(...runs.map((m) => m.rssMb));
  target(`peak RSS ≤ 512 MB (${Math.round(rssMb)})`, rssMb <= 512);
  const worstMs = Math.max(...runs.map((m) => m.health.worstMs));
  const failures = runs.reduce((sum, m) => sum + m.health.failures, 0);
  target(`/api/health ≤ 200 ms (${Math.round(worstMs)} ms, ${failures} not ok)`, worstMs <= 200 && failures === 0);
}

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

/** The simulator and `next start` on a temp SQLite file, signed in; through a TIM_APPS_FILE app when one is given. */
async function startStack(dir: string, simUsersCount: number, appsFile: ((sim: string) => object[]) | null): Promise<Stack> {
  const [simPort, consolePort] = [await freePort(...SIM_PORTS), await freePort(...CONSOLE_PORTS)];
  const sim = `http://127.0.0.1:${simPort}`;
  const base = `http://127.0.0.1:${consolePort}`;
  const simChild = startServer('simulator', ['--max-old-space-size=4096', '--import', 'tsx', 'sim/cli.ts'], {
    SIM_PORT: String(simPort),
    SIM_USERS: String(simUsersCount),
    SIM_LATENCY_MS: '20',
    SIM_FAULT_91000: '0.01',
    SIM_QPS: String(QPS),
  });
  await waitUntilUp('simulator', simChild, `${sim}/__sim/stats`, 120_000);
  let appEnv: Record<string, string>;
  if (appsFile) {
    const path = join(dir, 'apps.json');
    writeFileSync(path, JSON.stringify(appsFile(sim), null, 2));
    // Empty is unset (lib/config.ts): no single-app variable from this shell applies.
    appEnv = { TIM_APPS_FILE: path, BENCH_TIM_SECRET_KEY: DEMO_SECRET_KEY, TIM_SDKAPPID: '', TIM_SECRET_KEY: '', TIM_BASE_URL: '', TIM_MAX_QPS: '' };
  } else {
    appEnv = { TIM_APPS_FILE: '', TIM_SDKAPPID: String(DEMO_SDKAPPID), TIM_SECRET_KEY: DEMO_SECRET_KEY, TIM_BASE_URL: sim, TIM_MAX_QPS: String(QPS) };
  }
  const consoleChild = startServer('console', ['--import', 'tsx', 'server.ts', '-H', '127.0.0.1', '-p', String(consolePort)], {
    ...appEnv,
    DATABASE_PATH: join(dir, 'console.db'),
    SESSION_SECRET: randomBytes(36).toString('base64'),
    CONSOLE_ADMIN_USERNAME: ADMIN.username,
    CONSOLE_ADMIN_PASSWORD: ADMIN.password,
    LOG_LEVEL: 'warn',
  });
  await waitUntilUp('console', consoleChild, `${base}/api/health`, 60_000);
  return { sim, base, cookie: await signIn(base), consolePid: consoleChild.pid! };
}

/** Upload→preview, with the console's memory and health while it stores the rows. */
async function uploadMeasured(stack: Stack, csvPath: string, bytes: number) {
  const peakRss = samplePeakRss(stack.consolePid);
  const health = sampleHealth(stack.base);
  const up = await upload(stack.base, stack.cookie, csvPath, bytes);
  return { ...up, rssMb: peakRss() / 1024 / 1024, health: await health() };
}

/** Sampled users that had the CSV's attribute before and still have it. */
const stillHolding = (before: Map<string, Attrs | null>, now: Map<string, Attrs | null>) =>
  [...before].filter(([id, was]) => was?.city !== undefined && now.get(id)?.city !== undefined).map(([id]) => id);

/** The dry run, the removal from it and its restore; a sample checked against the simulator; the baseline. Resolves false when the sample check fails. */
async function fullPass(stack: Stack, csvPath: string, bytes: number): Promise<boolean> {
  const { sim, base, cookie } = stack;
  const sample = sampleIds(USERS, SAMPLE_USERS);
  const sampleBefore = await simUsers(sim, sample);
  const up = await uploadMeasured(stack, csvPath, bytes);
  const dry = await measureRun(stack, 'dry run', ['get_attr'], () =>
    startRun(base, cookie, `/api/uploads/${up.staged.id}/start`, { attrs: [], requestKey: requestKey(), kind: 'check' }),
  );
  const removal = await measureRun(stack, 'removal', ['get_attr', 'remove_attr'], () => startRun(base, cookie, `/api/runs/${dry.runId}/remove`, { requestKey: requestKey() }));
  const afterRemoval = stillHolding(sampleBefore, await simUsers(sim, sample));
  const restore = await measureRun(stack, 'restore', ['get_attr', 'set_attr'], () => startRun(base, cookie, `/api/runs/${removal.runId}/restore`, {}));
  const sampleAfter = await simUsers(sim, sample);
  const differ = sample.filter((id) => !sameValues(sampleBefore.get(id)!, sampleAfter.get(id)!));
  const removedInSample = [...sampleBefore.values()].filter((v) => v?.city !== undefined).length;

  await fetch(`${sim}/__sim/reset`, { method: 'POST' });
  const naive = await baseline(sim, BASELINE_USERS);
  const consoleRate = removal.run.total / removal.seconds;
  const naiveRate = BASELINE_USERS / naive.seconds;
  console.table({
    'CSV file': { value: `${fmt(USERS)} rows, ${(bytes / 1e6).toFixed(1)} MB` },
    'upload→preview s': { value: up.seconds.toFixed(1) },
    'staged users / invalid rows': { value: `${fmt(up.staged.users)} / ${fmt(up.staged.invalidRows)}` },
    'upload: console peak RSS MB (process tree)': { value: Math.round(up.rssMb) },
    'upload: worst /api/health ms': { value: `${Math.round(up.health.worstMs)} (${up.health.samples} samples, ${up.health.failures} not ok)` },
    [`baseline users/s (remove_attr only, 1 in flight, ${fmt(BASELINE_USERS)} users)`]: {
      value: `${fmt(naiveRate)} (${naive.seconds.toFixed(1)} s, ${fmt(naive.requests)} requests)`,
    },
    'console removal speed-up over baseline': { value: `${(consoleRate / naiveRate).toFixed(2)}×` },
  });
  console.table(runRows([dry, removal, restore]));
  if (Object.values({ ...removal.most, ...restore.most }).some((m) => !m.exact)) {
    console.log('≤: this run did not raise the simulator\'s maximum for that API, which it keeps since it started (an earlier run set it).');
  }
  console.log('targets:');
  printRunTargets([dry, removal, restore]);
  if (restore.run.total !== removal.run.succeeded) {
    console.log(`  note: the restore was made for ${fmt(restore.run.total)} users, the removal removed ${fmt(removal.run.succeeded)}`);
  }
  const pass = differ.length === 0 && afterRemoval.length === 0 && removedInSample > 0;
  console.log(
    `sample check (${fmt(sample.length)} users spread over the file, ${fmt(removedInSample)} with city before the dry run): ${pass ? 'pass' : 'FAIL'}` +
      ` (after the removal ${fmt(afterRemoval.length)} still had city; after the restore ${fmt(differ.length)} differ from before the dry run)`,
  );
  for (const id of [...afterRemoval.slice(0, 5)]) console.log(`  after the removal: ${id} still has city`);
  for (const id of differ.slice(0, 5)) console.log(`  ${id}: before ${JSON.stringify(sampleBefore.get(id))}, after the restore ${JSON.stringify(sampleAfter.get(id))}`);
  return pass;
}

/**
 * One removal straight from the upload, through a TIM_APPS_FILE app with `sharedBudget: true`: its
 * get_attr and remove_attr share one ceiling, so each batch takes two slots of it (2 × floor).
 */
async function sharedBudgetPass(stack: Stack, csvPath: string, bytes: number): Promise<boolean> {
  const { sim, base, cookie } = stack;
  const sample = sampleIds(USERS, SAMPLE_USERS);
  const sampleBefore = await simUsers(sim, sample);
  const up = await uploadMeasured(stack, csvPath, bytes);
  const removal = await measureRun(
    stack,
    'removal, shared budget',
    ['get_attr', 'remove_attr'],
    () => startRun(base, cookie, `/api/uploads/${up.staged.id}/start`, { attrs: [], requestKey: requestKey() }),
    { together: true, floorsPerBatch: 2 },
  );
  const left = stillHolding(sampleBefore, await simUsers(sim, sample));
  console.table({
    'CSV file': { value: `${fmt(USERS)} rows, ${(bytes / 1e6).toFixed(1)} MB` },
    'upload→preview s': { value: up.seconds.toFixed(1) },
    'staged users / invalid rows': { value: `${fmt(up.staged.users)} / ${fmt(up.staged.invalidRows)}` },
  });
  const rows = runRows([removal]);
  const label = removal.label;
  rows['2 × floor s (two requests per batch, one budget)'] = { [label]: (2 * removal.floorS).toFixed(1) };
  rows['start→complete / (2 × floor)'] = { [label]: (removal.seconds / (2 * removal.floorS)).toFixed(3) };
  console.table(rows);
  console.log('targets:');
  printRunTargets([removal], 2);
  const pass = left.length === 0;
  console.log(`sample check (${fmt(sample.length)} users): ${pass ? 'pass' : 'FAIL'} (${fmt(left.length)} still had city after the removal)`);
  return pass;
}

async function main(): Promise<void> {
  // The ten named demo users come first, so user00001 … userN needs N + 10 seeded.
  const simUsersCount = Math.min(Math.max(USERS, SHARED_BUDGET ? 0 : BASELINE_USERS) + DEMO_NAMED_USERS.length, SIM_MAX_USERS);
  console.log(
    SHARED_BUDGET
      ? `Benchmark, shared budget: a removal of ${fmt(USERS)} users over HTTP through a TIM_APPS_FILE app with sharedBudget: true, maxQps=${QPS}, simulator latency 20 ms, 1 % 91000`
      : `Benchmark: ${fmt(USERS)} users over HTTP (dry run, removal, restore; baseline ${fmt(BASELINE_USERS)}), TIM_MAX_QPS=${QPS}, simulator latency 20 ms, 1 % 91000`,
  );
  if (simUsersCount < USERS + DEMO_NAMED_USERS.length) {
    console.log(`The simulator holds at most ${fmt(SIM_MAX_USERS)} users: the CSV's users past user${SIM_MAX_USERS - DEMO_NAMED_USERS.length} fail with 70107 (the requests are the same).`);
  }
  if (!SKIP_BUILD) await build();

  const dir = (tempDir = mkdtempSync(join(tmpdir(), 'bench-')));
  let pass: boolean;
  try {
    const csvPath = join(dir, 'bench.csv');
    const bytes = await writeCsv(csvPath, USERS);
    const apps = (sim: string) => [
      { id: 'default', sdkAppId: DEMO_SDKAPPID, baseUrl: sim, secretKeyEnv: 'BENCH_TIM_SECRET_KEY', maxQps: QPS, sharedBudget: true },
    ];
    const stack = await startStack(dir, simUsersCount, SHARED_BUDGET ? apps : null);
    pass = SHARED_BUDGET ? await sharedBudgetPass(stack, csvPath, bytes) : await fullPass(stack, csvPath, bytes);
  } finally {
    await shutdown();
  }
  if (!pass) process.exitCode = 1;
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => void shutdown().then(() => process.exit(130)));
}

main().catch((err: unknown) => {
  console.error(err);
  void shutdown().then(() => process.exit(1));
});
