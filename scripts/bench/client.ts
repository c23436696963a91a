// The console over HTTP, as its pages use it: sign in, upload, start a run and poll it.
import { randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import http from 'node:http';
import { ADMIN } from './settings';
import { seconds, sleep } from './time';

/**
 * The sign-in form as a browser with scripts off posts it: the hidden fields React renders into it
 * (the action's ID and its bound state) and the two typed ones, multipart, to /login. The action
 * answers with the redirect and the session cookie.
 */
export async function signIn(base: string): Promise<string> {
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

export interface Staged {
  id: number;
  users: number;
  rowsRead: number;
  duplicateRows: number;
  invalidRows: number;
}

/** The preview, or, when the cap came first, how much of the file had gone. */
export type Uploaded =
  /** `sentS`: when the last byte was handed to the socket; the rest of `seconds` the console spent merging and storing the rows. */
  | { staged: Staged; seconds: number; sentS: number | null }
  | { staged: null; seconds: number; /** Handed to the socket when the upload was cut off, its few hundred header bytes included. */ bytesSent: number };

/** An answer other than the one asked for; `code` is the console's problem code when it gave one. */
export class Refused extends Error {
  readonly code: string | undefined;
  constructor(what: string, readonly status: number, body: string) {
    super(`${what}: HTTP ${status}: ${body}`);
    this.code = problemCode(body);
  }
}

function problemCode(body: string): string | undefined {
  try {
    const code = (JSON.parse(body) as { code?: unknown }).code;
    return typeof code === 'string' ? code : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The file streamed as the request body, for the app `appId`; timed from the first byte sent to the
 * 201 answer. Past `capS` seconds without an answer the request is cut off and resolves with `staged: null`.
 */
export function upload(base: string, cookie: string, path: string, bytes: number, opts: { capS?: number; appId?: string } = {}): Promise<Uploaded> {
  const { capS = Infinity, appId = 'default' } = opts;
  return new Promise((resolve, reject) => {
    // On loopback the connection takes well under a millisecond: the first byte leaves at once.
    const started = performance.now();
    const req = http.request(`${base}/api/uploads?appId=${encodeURIComponent(appId)}&name=bench.csv`, {
      method: 'POST',
      headers: { cookie, 'content-type': 'text/csv', 'content-length': bytes },
    });
    let sentS: number | null = null;
    req.once('finish', () => (sentS = seconds(started)));
    const file = createReadStream(path);
    const cap = Number.isFinite(capS)
      ? setTimeout(() => {
          const socket = req.socket;
          resolve({ staged: null, seconds: seconds(started), bytesSent: socket ? socket.bytesWritten - socket.writableLength : 0 });
          file.destroy();
          req.destroy();
        }, capS * 1000)
      : undefined;
    req.once('error', (err) => {
      clearTimeout(cap);
      reject(err);
    });
    req.once('response', (res) => {
      clearTimeout(cap);
      const answeredAfter = seconds(started);
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (s: string) => (body += s));
      res.once('end', () => {
        if (res.statusCode !== 201) return reject(new Refused('upload', res.statusCode ?? 0, body));
        resolve({ staged: JSON.parse(body) as Staged, seconds: answeredAfter, sentS });
      });
    });
    file.once('error', reject).pipe(req);
  });
}

export interface RunSummary {
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

export interface Started {
  runId: number;
  /** The users the run was made for (its total). */
  users: number;
  clickedMs: number;
  clickedAt: number;
  /** Seconds from the click to the 201. */
  answeredS: number;
}

export const requestKey = () => randomBytes(16).toString('hex');

/**
 * A start as the pages' buttons do it, answered 201 `{ runId, users }`: an upload's Confirm removal
 * or Check current values (`/api/uploads/:id/start`), a dry run's Remove (`/api/runs/:id/remove`),
 * a removal's Restore (`/api/runs/:id/restore`, `{}`).
 */
export async function startRun(base: string, cookie: string, path: string, body: object): Promise<Started> {
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

/** One progress poll, as the page does it. */
export async function runNow(base: string, cookie: string, runId: number): Promise<RunSummary> {
  const status = await fetch(`${base}/api/runs/${runId}`, { headers: { cookie } });
  if (!status.ok) throw new Error(`run ${runId}: HTTP ${status.status}: ${await status.text()}`);
  return ((await status.json()) as { run: RunSummary }).run;
}

/** The progress poll the page does, until the run is no longer running. */
export async function waitForRun(base: string, cookie: string, runId: number, clickedMs: number, deadlineS: number): Promise<{ run: RunSummary; seconds: number }> {
  for (;;) {
    const polled = performance.now();
    const run = await runNow(base, cookie, runId);
    if (run.status !== 'running') {
      if (run.status !== 'completed') throw new Error(`run ${runId} ended ${run.status}: ${JSON.stringify(run.error)}`);
      return { run, seconds: seconds(clickedMs) };
    }
    if (seconds(clickedMs) > deadlineS) throw new Error(`run ${runId} still running after ${deadlineS} s (${run.pending} pending)`);
    await sleep(250 - (performance.now() - polled));
  }
}
