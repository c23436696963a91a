// A console process on Postgres without its HTTP server (console-worker.ts), as a child of a test:
// its JSON log lines kept as events, and its exit.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

export interface ConsoleChild {
  child: ChildProcess;
  pid: number;
  events: { t: string; event: string; appId?: string; runId?: number; status?: string; url?: string; transport?: string }[];
  /** The exit code (143 after SIGTERM), or null after a signal. */
  exited: Promise<number | null>;
}

/** Starts test-support/console-worker.ts with the console's environment and these variables (DATABASE_URL, TIM_APPS_FILE, the apps' keys). */
export function startConsoleChild(env: Record<string, string>): ConsoleChild {
  const child = spawn(process.execPath, ['--conditions=react-server', '--import', 'tsx', 'test-support/console-worker.ts'], {
    cwd: join(import.meta.dirname, '..'),
    env: {
      PATH: process.env.PATH,
      NODE_ENV: 'production',
      TIM_TIMEOUT_MS: '3000',
      SESSION_SECRET: randomBytes(48).toString('base64url'),
      CONSOLE_ADMIN_USERNAME: 'admin',
      CONSOLE_ADMIN_PASSWORD: 'takeover-admin-password',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const events: ConsoleChild['events'] = [];
  // Info lines go to stdout, warnings and errors to stderr (lib/log.ts): both are events.
  let stderr = '';
  const read = (input: NodeJS.ReadableStream, keep: boolean) =>
    createInterface({ input }).on('line', (line) => {
      if (keep) stderr += `${line}\n`;
      try {
        events.push(JSON.parse(line) as ConsoleChild['events'][number]);
      } catch {
        // Not a log line.
      }
    });
  read(child.stdout!, false);
  read(child.stderr!, true);
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => {
      if (code !== 143 && code !== null) console.error(stderr);
      resolve(code);
    }),
  );
  return { child, pid: child.pid!, events, exited };
}
