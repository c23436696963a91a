import { spawn, type ChildProcess } from 'node:child_process';
import { rmSync } from 'node:fs';
import { consoleBaseEnv, E2E, PORT_OFFSET } from './env';

/**
 * A console server the test owns, so it can be killed with SIGKILL mid-run and started again on
 * the same database — what Playwright's webServer cannot do.
 */
export class ConsoleProcess {
  private child: ChildProcess | null = null;
  private readonly port: number;
  readonly url: string;

  /** `keepDatabase`: a second console on a file another one already uses. */
  constructor(
    port: number,
    private readonly dbPath: string,
    private readonly env: Record<string, string> = {},
    opts: { keepDatabase?: boolean } = {},
  ) {
    this.port = port + PORT_OFFSET;
    this.url = `http://127.0.0.1:${this.port}`;
    if (!opts.keepDatabase) for (const suffix of ['', '-wal', '-shm']) rmSync(`${dbPath}${suffix}`, { force: true });
  }

  /** The server's own pid (it is spawned directly, not through a shell), as the pages name it. */
  get pid(): number | undefined {
    return this.child?.pid;
  }

  async start(): Promise<void> {
    this.child = spawn(process.execPath, ['--import', 'tsx', 'server.ts', '-H', '127.0.0.1', '-p', String(this.port)], {
      stdio: 'ignore',
      env: {
        ...process.env,
        ...consoleBaseEnv,
        TIM_SECRET_KEY: E2E.secretKey,
        DATABASE_PATH: this.dbPath,
        ...this.env,
      },
    });
    const deadline = Date.now() + 30_000;
    while (Date.now() < deadline) {
      const ok = await fetch(`${this.url}/api/health`).then((r) => r.ok, () => false);
      if (ok) return;
      await new Promise((r) => setTimeout(r, 200));
    }
    throw new Error(`console on port ${this.port} did not become healthy`);
  }

  /** The hard way: no shutdown hooks, no flushing — like a crash or an OOM kill. */
  async kill(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
    this.child = null;
  }
}
