import { randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import { basename } from 'node:path';
import type { ApiApps, ApiRun, ApiRunStatus } from '../lib/schemas/api';
import type { StagedUpload } from '../lib/schemas/upload';
import { ApiError, createClient, streamOf, type Client } from './client';
import { EXIT, exitCodeOf } from './exit-codes';
import { createProgress } from './progress';

const USAGE = `tim-console: remove, check and restore TIM push user attributes through a console's API.

Usage: tim-console COMMAND [ARGS] [--json]

  apps                              the apps the console sends for
  remove --app ID --attrs a,b USER…  remove attributes from up to 1,000 users (or --users-file FILE)
  check  --app ID --attrs a,b USER…  read their current values, change nothing
  upload FILE --app ID [--attrs a,b] [--check] [--wait]   stage a CSV file, show its preview, start it
  status RUN                        a run's status and counts
  users  RUN [--result failed] [--limit N]   its users, page after page
  export RUN [--format csv|ndjson] [--result failed]   every user, to stdout
  cancel RUN                        stop a running run
  retry  RUN [--wait]               send the failed users again, as a new run
  restore RUN [--wait]              write back what a removal took away

Environment: TIM_CONSOLE_URL (e.g. https://console.example.com), TIM_CONSOLE_TOKEN (made by an
admin on /operators). --typed-app-name NAME confirms a removal on an app that asks for it.
--json prints the API's JSON for scripts.

Exit codes: 0 every user succeeded · 1 some users failed · 2 bad usage or refused · 3 the run stopped.`;

class Usage extends Error {}

const OPTIONS = {
  json: { type: 'boolean' },
  wait: { type: 'boolean' },
  check: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
  app: { type: 'string' },
  attrs: { type: 'string' },
  'users-file': { type: 'string' },
  'typed-app-name': { type: 'string' },
  result: { type: 'string' },
  limit: { type: 'string' },
  format: { type: 'string' },
} as const;

type Values = ReturnType<typeof parseArgs<{ options: typeof OPTIONS; allowPositionals: true }>>['values'];

export interface Io {
  out: NodeJS.WritableStream & { isTTY?: boolean };
  err: NodeJS.WritableStream & { isTTY?: boolean };
  env: Record<string, string | undefined>;
  readFile(path: string): Promise<string>;
  /** The file as a stream, and its size for the progress. */
  openFile(path: string): Promise<{ size: number; chunks: AsyncIterable<Uint8Array> }>;
  sleep(ms: number): Promise<void>;
}

function runIdOf(args: string[]): number {
  const id = Number(args[0]);
  if (args.length !== 1 || !Number.isInteger(id) || id <= 0) throw new Usage('Name one run by its number, e.g. tim-console status 42.');
  return id;
}

function summary(run: ApiRun): string {
  const parts = [`run ${run.id} (${run.kind}, ${run.appId}): ${run.status}`, `${run.total} users`, `${run.succeeded} done`];
  if (run.nothingToRemove) parts.push(`${run.nothingToRemove} with nothing to remove`);
  if (run.skipped) parts.push(`${run.skipped} skipped`);
  if (run.failed) parts.push(`${run.failed} failed`);
  if (run.notSent) parts.push(`${run.notSent} not sent`);
  if (run.pending) parts.push(`${run.pending} pending`);
  return parts.join(', ');
}

/** Polls a run until it has finished, with a progress bar on a terminal and a line every few seconds otherwise. */
async function waitFor(client: Client, io: Io, runId: number): Promise<ApiRun> {
  const progress = createProgress(io.err);
  for (;;) {
    const { run, usersPerSecond } = await client.get<ApiRunStatus>(`/runs/${runId}`);
    progress.update(run.total - run.pending, run.total, usersPerSecond);
    if (run.status !== 'running') {
      progress.done();
      return run;
    }
    await io.sleep(1000);
  }
}

async function usersOf(values: Values, positionals: string[], io: Io): Promise<string[]> {
  const fromFile = values['users-file'] ? (await io.readFile(values['users-file'])).split(/\r?\n/).map((l) => l.trim()).filter(Boolean) : [];
  const users = [...positionals, ...fromFile];
  if (users.length === 0) throw new Usage('Name at least one user, or --users-file FILE with one user ID per line.');
  return users;
}

async function command(name: string, args: string[], values: Values, client: Client, io: Io): Promise<number> {
  const print = (json: unknown, text: string) => io.out.write(values.json ? `${JSON.stringify(json)}\n` : `${text}\n`);
  const finished = async (run: ApiRun) => {
    print({ run }, summary(run));
    return exitCodeOf(run);
  };
  switch (name) {
    case 'apps': {
      const { apps } = await client.get<ApiApps>('/apps');
      print({ apps }, apps.map((a) => `${a.id}\t${a.label}\tSDKAppID ${a.sdkAppId}\t${a.region}${a.envLabel ? `\t${a.envLabel}` : ''}`).join('\n'));
      return EXIT.ok;
    }
    case 'remove':
    case 'check': {
      if (!values.app || !values.attrs) throw new Usage(`${name} needs --app ID and --attrs name,name.`);
      const body = { kind: name === 'check' ? 'check' : 'remove', appId: values.app, attrs: values.attrs.split(',').map((a) => a.trim()).filter(Boolean), users: await usersOf(values, args, io), typedAppName: values['typed-app-name'] };
      const { run } = await client.post<{ run: ApiRun }>('/runs', body, randomUUID());
      return finished(run);
    }
    case 'upload': {
      if (args.length !== 1 || !values.app) throw new Usage('upload needs one FILE and --app ID.');
      const file = await io.openFile(args[0]!);
      const progress = createProgress(io.err);
      let sent = 0;
      const body = streamOf(
        (async function* () {
          for await (const chunk of file.chunks) {
            sent += chunk.length;
            progress.update(sent, file.size, null, 'bytes');
            yield chunk;
          }
        })(),
      );
      const query = new URLSearchParams({ appId: values.app, name: basename(args[0]!) });
      const staged = await client.upload<StagedUpload>(`/uploads?${query}`, body, randomUUID());
      progress.done();
      io.err.write(
        `${staged.fileName}: ${staged.rowsRead} rows read, ${staged.users} users, ${staged.duplicateRows} repeated rows merged, ${staged.invalidRows} invalid rows${staged.issues.length > 0 ? ` (first: line ${staged.issues[0]!.line})` : ''}\n`,
      );
      if (staged.id === null) {
        print({ upload: staged }, 'No valid row: nothing was staged.');
        return EXIT.usage;
      }
      const attrs = values.attrs ? values.attrs.split(',').map((a) => a.trim()).filter(Boolean) : [];
      const started = await client.post<{ runId: number; users: number }>(
        `/uploads/${staged.id}/start`,
        { kind: values.check ? 'check' : 'remove', attrs, typedAppName: values['typed-app-name'] },
        randomUUID(),
      );
      if (!values.wait) {
        print({ upload: staged, ...started }, `run ${started.runId} started for ${started.users} users: tim-console status ${started.runId}`);
        return EXIT.ok;
      }
      return finished(await waitFor(client, io, started.runId));
    }
    case 'status': {
      const status = await client.get<ApiRunStatus>(`/runs/${runIdOf(args)}`);
      print(status, summary(status.run));
      return status.run.status === 'running' ? EXIT.ok : exitCodeOf(status.run);
    }
    case 'users': {
      const runId = runIdOf(args);
      const limit = values.limit ? Number(values.limit) : 1000;
      for (let after = 0; ; ) {
        const query = new URLSearchParams({ after: String(after), limit: String(limit), ...(values.result ? { result: values.result } : {}) });
        const page = await client.get<{ users: { seq: number; userId: string; result: string; error: { code: number | null; key: string } | null }[]; next: number | null }>(
          `/runs/${runId}/users?${query}`,
        );
        for (const u of page.users) print(u, `${u.userId}\t${u.result}${u.error ? `\t${u.error.code ?? u.error.key}` : ''}`);
        if (page.next === null) return EXIT.ok;
        after = page.next;
      }
    }
    case 'export': {
      const query = new URLSearchParams({ format: values.format ?? 'csv', ...(values.result ? { result: values.result } : {}) });
      const body = await client.stream(`/runs/${runIdOf(args)}/export?${query}`);
      for await (const chunk of body as unknown as AsyncIterable<Uint8Array>) io.out.write(chunk);
      return EXIT.ok;
    }
    case 'cancel': {
      const { run } = await client.post<{ run: ApiRun }>(`/runs/${runIdOf(args)}/cancel`, undefined, randomUUID());
      print({ run }, summary(run));
      return EXIT.ok;
    }
    case 'retry':
    case 'restore': {
      const body = name === 'retry' ? { typedAppName: values['typed-app-name'] } : undefined;
      const started = await client.post<{ runId: number; users: number }>(`/runs/${runIdOf(args)}/${name}`, body, randomUUID());
      if (!values.wait) {
        print(started, `run ${started.runId} started for ${started.users} users: tim-console status ${started.runId}`);
        return EXIT.ok;
      }
      return finished(await waitFor(client, io, started.runId));
    }
    default:
      throw new Usage(`Unknown command ${JSON.stringify(name)}.`);
  }
}

export async function main(argv: string[], io: Io): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options: OPTIONS, allowPositionals: true });
  } catch (err) {
    io.err.write(`${(err as Error).message}\n\n${USAGE}\n`);
    return EXIT.usage;
  }
  const [name, ...args] = parsed.positionals;
  if (parsed.values.help || !name) {
    (parsed.values.help ? io.out : io.err).write(`${USAGE}\n`);
    return parsed.values.help ? EXIT.ok : EXIT.usage;
  }
  const baseUrl = io.env.TIM_CONSOLE_URL;
  const token = io.env.TIM_CONSOLE_TOKEN;
  if (!baseUrl || !token) {
    io.err.write(`Set ${!baseUrl ? 'TIM_CONSOLE_URL' : 'TIM_CONSOLE_TOKEN'}: the console's address and an API token an admin made on /operators.\n`);
    return EXIT.usage;
  }
  try {
    return await command(name, args, parsed.values, createClient({ baseUrl, token, language: io.env.LANG?.startsWith('zh') ? 'zh' : 'en' }), io);
  } catch (err) {
    if (err instanceof Usage) {
      io.err.write(`${err.message}\n\n${USAGE}\n`);
      return EXIT.usage;
    }
    if (err instanceof ApiError) {
      io.err.write(`${err.message} (${err.code})\n`);
      return EXIT.usage;
    }
    throw err;
  }
}
