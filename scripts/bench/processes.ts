// The simulator and the console as child processes on free ports, and their end (with whatever
// else the benchmark started that must go with them).
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEMO_SDKAPPID, DEMO_SECRET_KEY } from '../../sim/seed';
import { signIn } from './client';
import { ADMIN, CONSOLE_PORTS, QPS, SIM_PORTS } from './settings';
import { sleep } from './time';

const NEXT_BIN = 'node_modules/next/dist/bin/next';

/** Other people's tests share this machine: take the first free port of our range, not a fixed one. */
export async function freePort(from: number, to: number): Promise<number> {
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

/** A server that should live as long as the benchmark, or until stopConsole: say so at once when it dies. */
function startServer(label: string, args: string[], env: Record<string, string>): ChildProcess {
  const child = spawnNode(args, env);
  child.once('exit', (code, signal) => {
    if (!stopping && !stoppedOnPurpose.has(child)) console.error(`${label} exited (${signal ?? code}) before the benchmark finished`);
  });
  return child;
}

let stopping = false;
const stoppedOnPurpose = new Set<ChildProcess>();
let tempDir: string | undefined;
const cleanups: (() => void)[] = [];

/** Done by shutdown once the children have exited: what outlives them otherwise (a Postgres server). */
export function atShutdown(cleanup: () => void): void {
  cleanups.push(cleanup);
}

/** A temp directory that shutdown removes. */
export function makeTempDir(): string {
  return (tempDir = mkdtempSync(join(tmpdir(), 'bench-')));
}

/** SIGTERM, and SIGKILL for what is still there 10 s later: resolves once they have exited. */
async function stop(list: ChildProcess[]): Promise<void> {
  const running = list.filter((c) => c.exitCode === null && c.signalCode === null);
  for (const child of running) child.kill('SIGTERM');
  const exited = Promise.all(running.map((c) => once(c, 'exit')));
  // Unref'd: once the children are gone, the give-up timer must not keep the bench alive.
  const giveUp = new Promise((resolve) => setTimeout(resolve, 10_000).unref());
  if ((await Promise.race([exited.then(() => 'exited'), giveUp])) === 'exited') return;
  for (const child of running) child.kill('SIGKILL');
  await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 5_000).unref())]);
}

/** Waits for the exits, so the temp directory is removed after the console has closed its database. */
export async function shutdown(): Promise<void> {
  stopping = true;
  await stop(children);
  for (const cleanup of cleanups.splice(0)) cleanup();
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

export function build(): Promise<void> {
  const child = spawnNode([NEXT_BIN, 'build']);
  return new Promise((resolve, reject) =>
    child.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`next build failed (${code})`)))),
  );
}

export interface Stack {
  sim: string;
  base: string;
  cookie: string;
  consolePid: number;
}

/** The simulator, seeded with this many users of the demo app or with these SIM_APPS entries, on a free port of BENCH_SIM_PORTS: its base URL. */
export async function startSimulator(seed: number | object[]): Promise<string> {
  const simPort = await freePort(...SIM_PORTS);
  const sim = `http://127.0.0.1:${simPort}`;
  const simChild = startServer('simulator', ['--max-old-space-size=4096', '--import', 'tsx', 'sim/cli.ts'], {
    SIM_PORT: String(simPort),
    ...(typeof seed === 'number' ? { SIM_USERS: String(seed) } : { SIM_APPS: JSON.stringify(seed) }),
    SIM_LATENCY_MS: '20',
    SIM_FAULT_91000: '0.01',
    SIM_QPS: String(QPS),
  });
  await waitUntilUp('simulator', simChild, `${sim}/__sim/stats`, 120_000);
  return sim;
}

/**
 * `next start` on a new SQLite file in `dir`, or on the Postgres database of `databaseUrl`, on this
 * simulator, signed in; through a TIM_APPS_FILE app when one is given.
 */
export async function startConsole(dir: string, sim: string, appsFile: ((sim: string) => object[]) | null, databaseUrl?: string): Promise<Stack> {
  const consolePort = await freePort(...CONSOLE_PORTS);
  const base = `http://127.0.0.1:${consolePort}`;
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
    // Empty is unset: a DATABASE_URL in this shell would otherwise take every console to Postgres.
    DATABASE_URL: databaseUrl ?? '',
    SESSION_SECRET: randomBytes(36).toString('base64'),
    CONSOLE_ADMIN_USERNAME: ADMIN.username,
    CONSOLE_ADMIN_PASSWORD: ADMIN.password,
    LOG_LEVEL: 'warn',
  });
  await waitUntilUp('console', consoleChild, `${base}/api/health`, 60_000);
  return { sim, base, cookie: await signIn(base), consolePid: consoleChild.pid! };
}

/** The simulator and `next start` on a temp SQLite file, signed in; through a TIM_APPS_FILE app when one is given. */
export async function startStack(dir: string, simUsersCount: number, appsFile: ((sim: string) => object[]) | null): Promise<Stack> {
  return startConsole(dir, await startSimulator(simUsersCount), appsFile);
}

/** Stops this stack's console (whatever it is doing) and waits for its exit; the simulator stays. */
export async function stopConsole(stack: Stack): Promise<void> {
  const child = children.find((c) => c.pid === stack.consolePid);
  if (!child) return;
  stoppedOnPurpose.add(child);
  await stop([child]);
}
