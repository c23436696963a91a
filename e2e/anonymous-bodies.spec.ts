import { expect, test } from '@playwright/test';
import http from 'node:http';
import { readFileSync } from 'node:fs';
import { sealToken, SESSION_COOKIE } from '../lib/auth/cookie';
import { signIn, signInActionId, signInFormBody, unknownSessionCookie } from './support/auth';
import { E2E } from './support/env';
import { slowestHealth } from './support/health';

/**
 * Request bodies nobody signed in sent, over plain HTTP (node:http, not the browser, which could
 * not send them): refused with a 4xx, never buffered. proxy.ts and next.config.js say how.
 */

const MB = 1024 * 1024;
const CHUNK = Buffer.alloc(64 * 1024, 'a');
const MADE_UP_ACTION = `7f${'ab'.repeat(20)}`;

interface Answer {
  status: number;
  text: string;
  /** The answer came while part of the body was still unsent. */
  early: boolean;
}

interface Send {
  method?: string;
  headers?: Record<string, string>;
  bytes: number;
  /** Declare no length: the body goes chunked. */
  chunked?: boolean;
  /** After this many bytes, wait this long for an answer before sending the rest. */
  hold?: { after: number; ms: number };
}

/** Streams `bytes` of body in 64 KiB chunks as fast as the server takes them, and stops sending once an answer arrives. */
function send(path: string, { method = 'POST', headers = {}, bytes, chunked = false, hold }: Send): Promise<Answer> {
  return new Promise((resolve, reject) => {
    let sent = 0;
    let answered = false;
    let held = false;
    const req = http.request({
      host: '127.0.0.1',
      port: E2E.consolePort,
      path,
      method,
      agent: false,
      headers: { ...(chunked ? {} : { 'content-length': String(bytes) }), ...headers },
    });
    req.on('response', (res) => {
      answered = true;
      const early = sent < bytes;
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (text = (text + d).slice(0, 2000)));
      res.on('end', () => {
        resolve({ status: res.statusCode!, text, early });
        req.destroy();
      });
    });
    req.on('error', (err) => {
      if (!answered) reject(new Error(`${method} ${path}: no answer (${err.message})`));
    });
    const pump = () => {
      while (!answered && sent < bytes) {
        if (hold && !held && sent >= hold.after) {
          held = true;
          setTimeout(pump, hold.ms);
          return;
        }
        const n = Math.min(CHUNK.length, bytes - sent);
        sent += n;
        if (!req.write(n === CHUNK.length ? CHUNK : CHUNK.subarray(0, n))) {
          req.once('drain', pump);
          return;
        }
      }
      if (!answered) req.end();
    };
    pump();
  });
}

const routes = JSON.parse(readFileSync('.next/app-path-routes-manifest.json', 'utf8')) as Record<string, string>;
const built = (kind: 'page' | 'route') =>
  Object.entries(routes)
    .filter(([file, route]) => file.endsWith(`/${kind}`) && !route.startsWith('/_'))
    .map(([, route]) => route.replaceAll('[runId]', '1'));
const PAGES = built('page');
/** Every app/**\/route.ts, and the streaming upload route, which does not exist yet on every branch. */
const ROUTE_HANDLERS = [...built('route'), '/api/uploads'];

const action = (id: string) => ({ 'next-action': id, 'content-type': 'text/plain;charset=UTF-8', accept: 'text/x-component' });
const multipart = { 'content-type': 'multipart/form-data; boundary=----e2e' };

function serverRssMb(): number {
  const pid = readFileSync('.e2e-data/main.db.pid', 'utf8').trim();
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/^VmRSS:\s+(\d+) kB/m.exec(status)![1]) / 1024;
}

test.describe('anonymous request bodies', () => {
  test.use({ storageState: { cookies: [], origins: [] } });

  test('every page, server action and route handler refuses a 50 MB body with a 4xx', async () => {
    test.setTimeout(180_000);
    const signInId = signInActionId();
    expect(PAGES).toEqual(expect.arrayContaining(['/', '/login', '/remove', '/bulk', '/history', '/history/1', '/operators', '/audit']));
    expect(ROUTE_HANDLERS).toEqual(expect.arrayContaining(['/api/health', '/api/runs', '/api/runs/1', '/history/1/export', '/api/uploads']));

    const cases: { path: string; what: string; send: Send; status: number | number[] }[] = [];
    for (const path of PAGES) {
      // Only the sign-in page takes an anonymous action, and only up to 1 MB.
      const actionStatus = path === '/login' ? 413 : 401;
      cases.push({ path, what: 'made-up action', send: { headers: action(MADE_UP_ACTION), bytes: 50 * MB }, status: actionStatus });
      cases.push({ path, what: 'sign-in action', send: { headers: action(signInId), bytes: 50 * MB }, status: actionStatus });
      // The sign-in form posted before scripts run is multipart too, so it gets the same 1 MB bound.
      cases.push({ path, what: 'multipart form post', send: { headers: multipart, bytes: 50 * MB }, status: actionStatus });
    }
    for (const path of ROUTE_HANDLERS.filter((p) => p !== '/api/uploads')) {
      cases.push({ path, what: 'POST', send: { headers: { 'content-type': 'application/json' }, bytes: 50 * MB }, status: 401 });
    }
    // Paths Next.js answers without a page of ours still run server actions (its not-found page has them).
    for (const path of ['/favicon.ico', '/template.csv', '/_next/static/none.js', '/no-such-page']) {
      cases.push({ path, what: 'sign-in action', send: { headers: action(signInId), bytes: 50 * MB }, status: 401 });
    }
    // What an attacker would try next.
    for (const method of ['PUT', 'PATCH', 'DELETE', 'OPTIONS']) {
      cases.push({ path: '/remove', what: method, send: { method, headers: multipart, bytes: 50 * MB }, status: 401 });
      cases.push({ path: '/login', what: `${method} with the sign-in action`, send: { method, headers: action(signInId), bytes: 50 * MB }, status: 401 });
      cases.push({ path: '/api/runs', what: method, send: { method, bytes: 50 * MB }, status: 401 });
    }
    for (const override of ['x-http-method-override', 'x-http-method', 'x-method-override']) {
      cases.push({ path: '/remove', what: `${override}: GET`, send: { headers: { ...multipart, [override]: 'GET' }, bytes: 50 * MB }, status: 401 });
    }
    cases.push({ path: '/login', what: 'sign-in action, chunked', send: { headers: action(signInId), bytes: 50 * MB, chunked: true }, status: 411 });
    cases.push({ path: '/remove', what: 'chunked', send: { headers: action(MADE_UP_ACTION), bytes: 50 * MB, chunked: true }, status: 401 });
    cases.push({ path: '/login?next=/remove', what: 'sign-in action with a query', send: { headers: action(signInId), bytes: 50 * MB }, status: 413 });
    for (const path of ['/login/..', '/login/%2e%2e/remove', '/LOGIN', '/%6cogin', '/login%2f', '/api/health/../../remove']) {
      cases.push({ path, what: 'sign-in action', send: { headers: action(signInId), bytes: 50 * MB }, status: 401 });
    }
    // Seen as /login by the proxy (dot segments resolved), so the 1 MB bound applies.
    cases.push({ path: '/remove/../login', what: 'sign-in action', send: { headers: action(signInId), bytes: 50 * MB }, status: 413 });
    const forged = `${SESSION_COOKIE}=${sealToken('made-up', 'not-the-session-secret-0123456789abcdef')}`;
    cases.push({ path: '/remove', what: 'forged cookie', send: { headers: { ...action(MADE_UP_ACTION), cookie: forged }, bytes: 50 * MB }, status: 401 });
    cases.push({ path: '/api/runs', what: 'forged cookie', send: { headers: { cookie: `${SESSION_COOKIE}=abc.def` }, bytes: 50 * MB }, status: 401 });
    // A signed cookie passes the proxy (only the database knows the session is gone), but no body over 1 MB does.
    cases.push({ path: '/remove', what: 'signed cookie of no session', send: { headers: { ...action(MADE_UP_ACTION), cookie: unknownSessionCookie() }, bytes: 50 * MB }, status: 413 });
    cases.push({ path: '/remove', what: 'signed cookie of no session, chunked', send: { headers: { ...action(MADE_UP_ACTION), cookie: unknownSessionCookie() }, bytes: 50 * MB, chunked: true }, status: 411 });
    cases.push({ path: '/api/runs', what: 'signed cookie of no session', send: { headers: { cookie: unknownSessionCookie() }, bytes: 50 * MB }, status: 413 });

    for (const c of cases) {
      const answer = await send(c.path, c.send);
      expect([c.status].flat(), `${c.send.method ?? 'POST'} ${c.path} (${c.what}): ${answer.status} ${answer.text.slice(0, 200)}`).toContain(answer.status);
    }

    // A trailing slash is not the sign-in page: the front server refuses it, with the body unread.
    const slash = await send('/login/', { headers: action(signInId), bytes: 50 * MB, hold: { after: MB, ms: 3000 } });
    expect(slash.status).toBe(401);
    expect(slash.early, 'the refusal came before the body').toBe(true);
  });

  test('/api/uploads answers a 50 MB anonymous body before it is all sent, and never with 2xx or 5xx', async () => {
    // Left out of the proxy (it streams), so it must refuse before reading: 401 from the route, or 404 while it does not exist.
    for (const headers of [{ 'content-type': 'text/csv' }, { 'content-type': 'application/octet-stream' }]) {
      const answer = await send('/api/uploads', { headers, bytes: 50 * MB, hold: { after: MB, ms: 3000 } });
      expect(answer.status, `${headers['content-type']}: ${answer.text.slice(0, 200)}`).toBeGreaterThanOrEqual(400);
      expect(answer.status).toBeLessThan(500);
      expect(answer.early, 'the answer came before the body').toBe(true);
    }
  });

  test('the sign-in action refuses a body over 1 MB with 413, and signing in works afterwards', async ({ page }) => {
    const signInId = signInActionId();
    const big = await send('/login', { headers: action(signInId), bytes: MB + 1 });
    expect(big.status).toBe(413);
    // Nobody's sign-in comes near 16 KB, so an anonymous body may not either.
    const form = await send('/login', { headers: multipart, bytes: 16 * 1024 + 1 });
    expect(form.status).toBe(413);
    expect(form.text).toContain('over 16 KB');
    // What the sign-in form sends, well under 1 MB, still gets as far as the action.
    const small = await fetch(`${E2E.consoleUrl}/login`, { method: 'POST', body: await signInFormBody(E2E.consoleUrl, `nobody-${Date.now()}`, 'not-the-password') });
    expect(small.status).toBe(200);
    expect(await small.text()).toContain('Wrong username or password');
    // Arguments the form never sends are refused as input, not with a 500.
    const odd = await fetch(`${E2E.consoleUrl}/login`, { method: 'POST', headers: action(signInId), body: JSON.stringify([{ username: 'x', password: 'y' }]) });
    expect(odd.status).toBe(200);

    await signIn(page, E2E.consoleUrl, E2E.admin.username, E2E.admin.password);
  });

  test('16 concurrent 60 MB bodies each to the sign-in action and to /api/uploads add at most 150 MB to the server', async () => {
    test.setTimeout(180_000);
    const signInId = signInActionId();
    const before = serverRssMb();
    let peak = before;
    const sampler = setInterval(() => (peak = Math.max(peak, serverRssMb())), 10);
    try {
      const answers = await Promise.all([
        ...Array.from({ length: 16 }, () => send('/login', { headers: action(signInId), bytes: 60 * MB })),
        ...Array.from({ length: 16 }, () => send('/api/uploads', { headers: { 'content-type': 'text/csv' }, bytes: 60 * MB })),
      ]);
      for (const a of answers) {
        expect(a.status).toBeGreaterThanOrEqual(400);
        expect(a.status).toBeLessThan(500);
      }
    } finally {
      clearInterval(sampler);
    }
    peak = Math.max(peak, serverRssMb());
    console.log(`console RSS: ${before.toFixed(0)} MB before, ${peak.toFixed(0)} MB at most during 32 anonymous 60 MB bodies (+${(peak - before).toFixed(0)} MB)`);
    expect(peak - before).toBeLessThanOrEqual(150);
  });

  test('200 slow anonymous bodies add at most 50 MB to the server, and health answers within 2 s throughout', async () => {
    test.setTimeout(120_000);
    const signInId = signInActionId();
    // Each sends the first part of its body at once, then a few bytes every 200 ms: without a gate
    // in front, Next.js keeps what arrived until the body's end.
    const slow = (path: string, headers: Record<string, string>, declared: number, first: number) =>
      new Promise<void>((resolve) => {
        const req = http.request({ host: '127.0.0.1', port: E2E.consolePort, path, method: 'POST', agent: false, headers: { ...headers, 'content-length': String(declared) } });
        req.on('error', () => resolve());
        req.on('response', (res) => res.resume());
        req.on('close', () => resolve());
        req.write(Buffer.alloc(first, 'a'));
        const trickle = setInterval(() => (req.destroyed ? clearInterval(trickle) : req.write('a')), 200);
        setTimeout(() => {
          clearInterval(trickle);
          req.destroy();
        }, 8_000);
      });
    const before = serverRssMb();
    let peak = before;
    let slowestHealthMs = 0;
    const sampler = setInterval(() => (peak = Math.max(peak, serverRssMb())), 20);
    try {
      slowestHealthMs = await slowestHealth(E2E.consoleUrl, () => Promise.all([
        ...Array.from({ length: 60 }, () => slow('/remove', action(MADE_UP_ACTION), 2 * MB, MB)),
        ...Array.from({ length: 40 }, () => slow('/login', action(signInId), 2 * MB, MB)),
        ...Array.from({ length: 40 }, () => slow('/login', multipart, 16 * 1024, 15 * 1024)),
        ...Array.from({ length: 30 }, () => slow('/api/uploads', { 'content-type': 'text/csv' }, 1024 * MB, MB)),
        ...Array.from({ length: 30 }, () => slow('/api/runs', { 'content-type': 'application/json', cookie: `${SESSION_COOKIE}=forged.signature` }, 2 * MB, MB)),
      ]), 250);
    } finally {
      clearInterval(sampler);
    }
    peak = Math.max(peak, serverRssMb());
    console.log(`console RSS: ${before.toFixed(0)} MB before, ${peak.toFixed(0)} MB at most during 200 slow anonymous bodies (+${(peak - before).toFixed(0)} MB); slowest health ${slowestHealthMs} ms`);
    expect(peak - before).toBeLessThanOrEqual(50);
    expect(slowestHealthMs).toBeLessThan(2_000);
  });

  test('a page whose session cookie is gone goes to sign-in when it calls an action', async ({ page }) => {
    await signIn(page, E2E.consoleUrl, E2E.admin.username, E2E.admin.password);
    await page.goto('/remove');
    await page.getByRole('textbox', { name: 'User IDs' }).fill('alice');
    await page.getByRole('group', { name: 'Attributes' }).getByRole('checkbox', { name: 'city' }).check();
    await page.getByRole('button', { name: 'Remove attributes' }).click();
    await page.context().clearCookies();
    await page.getByRole('button', { name: 'Confirm removal' }).click();
    await expect(page).toHaveURL(/\/login\?next=%2Fremove$/);
    await expect(page.getByRole('button', { name: 'Sign in' })).toBeVisible();
  });
});
