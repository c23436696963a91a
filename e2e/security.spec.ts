import { expect, test, type Page } from '@playwright/test';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { addOperator, signIn, signInFormBody, unknownSessionCookie } from './support/auth';
import { SESSION_COOKIE } from '../lib/auth/cookie';
import { ConsoleProcess } from './support/console-process';
import { E2E } from './support/env';
import { sim } from './support/sim';

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? filesUnder(p) : [p];
  });
}

test.describe('anonymous', () => {
  test.use({ storageState: { cookies: [], origins: [] } });

  test('every page sends you to sign in; APIs and exports answer 401 or redirect', async ({ page, request }) => {
    for (const path of ['/remove', '/bulk', '/history', '/history/1', '/operators', '/audit']) {
      await page.goto(path);
      await expect(page, path).toHaveURL(/\/login\?next=/);
      await expect(page.getByRole('button', { name: 'Sign in' })).toBeVisible();
    }
    expect((await request.get('/api/runs')).status()).toBe(401);
    expect((await request.get('/api/runs/1')).status()).toBe(401);
    const exp = await request.get('/history/1/export', { maxRedirects: 0 });
    expect([302, 307]).toContain(exp.status());
    expect((await request.get('/api/health')).status()).toBe(200);
  });

  test('sign in, then sign out ends the session', async ({ page }) => {
    await page.goto('/history');
    await page.getByRole('textbox', { name: 'Username' }).fill(E2E.admin.username);
    await page.getByLabel('Password').fill(E2E.admin.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect(page).toHaveURL(/\/history$/);
    await expect(page.getByRole('note', { name: 'Where you are' })).toContainText(`SDKAppID ${E2E.sdkAppId}`);
    await expect(page.getByRole('note', { name: 'Where you are' })).toContainText(/e2e/i);

    await page.getByRole('button', { name: 'Sign out' }).click();
    await expect(page).toHaveURL(/\/login/);
    await page.goto('/history');
    await expect(page).toHaveURL(/\/login/);
  });

  test('five failed sign-ins lock the username out, with a clear message', async ({ page }) => {
    // Its own console and database: the lockout also covers this client address for 15 minutes.
    // With no proxy in front, Next.js fills X-Forwarded-For with the socket's address, so one
    // trusted hop is the browser's own address here.
    const server = new ConsoleProcess(3314, '.e2e-data/lockout.db', { TRUSTED_PROXY_HOPS: '1' });
    await server.start();
    try {
      await lockOut(page, server.url);
    } finally {
      await server.kill();
    }
  });

  test('an admin unlocks a locked-out operator, who can then sign in', async ({ page, browser }) => {
    // Its own console and database, so this lockout reaches no other test.
    const server = new ConsoleProcess(3316, '.e2e-data/unlock.db');
    await server.start();
    const operatorContext = await browser.newContext({ storageState: { cookies: [], origins: [] } });
    try {
      const operator = { username: `unlock-${Date.now()}`, password: 'unlock-operator-password' };
      await signIn(page, server.url, E2E.admin.username, E2E.admin.password);
      await addOperator(page, { ...operator, role: 'operator' }, server.url);

      const op = await operatorContext.newPage();
      await op.goto(`${server.url}/login`);
      for (let i = 0; i < 5; i++) {
        await attemptSignIn(op, operator.username, `wrong-${i}`);
        await expect(op.getByRole('main').getByRole('alert')).toContainText('Wrong username or password');
      }
      await attemptSignIn(op, operator.username, operator.password);
      await expect(op.getByRole('main').getByRole('alert')).toContainText('Too many failed sign-ins');

      await page.goto(`${server.url}/operators`);
      const row = page.getByRole('row').filter({ has: page.getByRole('cell', { name: operator.username, exact: true }) });
      await expect(row).toContainText('Locked out');
      await row.getByRole('button', { name: 'Unlock', exact: true }).click();
      await expect(row.getByRole('button', { name: 'Unlock', exact: true })).toHaveCount(0);
      await expect(row).toContainText('Active');

      await signIn(op, server.url, operator.username, operator.password);
      await page.goto(`${server.url}/audit?action=operator-unlocked`);
      await expect(page.getByRole('cell', { name: new RegExp(`^${operator.username} \\(5 failed sign-ins cleared\\)$`) })).toBeVisible();
    } finally {
      await operatorContext.close();
      await server.kill();
    }
  });

  test('a session ends after SESSION_IDLE_MINUTES without a request', async ({ page }) => {
    // The shortest idle time the configuration allows is a minute, and the server keeps the time.
    test.setTimeout(150_000);
    const server = new ConsoleProcess(3315, '.e2e-data/idle.db', { SESSION_IDLE_MINUTES: '1' });
    await server.start();
    try {
      await signIn(page, server.url, E2E.admin.username, E2E.admin.password);
      await page.goto(`${server.url}/history`);
      await expect(page.getByRole('heading', { name: 'History', level: 1 })).toBeVisible();
      await page.waitForTimeout(62_000);
      await page.goto(`${server.url}/history`);
      await expect(page).toHaveURL(/\/login/);
      expect((await page.request.get(`${server.url}/api/runs`)).status()).toBe(401);
    } finally {
      await server.kill();
    }
  });
});

/** One press of Sign in on the open /login page, waiting for the server's answer. */
async function attemptSignIn(page: Page, username: string, password: string) {
  await page.getByRole('textbox', { name: 'Username' }).fill(username);
  await page.getByLabel('Password').fill(password);
  await Promise.all([
    page.waitForResponse((r) => r.request().method() === 'POST' && r.url().includes('/login')),
    page.getByRole('button', { name: 'Sign in' }).click(),
  ]);
}

async function lockOut(page: Page, base: string) {
  const name = `locked-${Date.now()}`;
  await page.goto(`${base}/login`);
  for (let i = 0; i < 5; i++) {
    await attemptSignIn(page, name, `wrong-${i}`);
    await expect(page.getByRole('main').getByRole('alert')).toContainText('Wrong username or password');
  }
  await attemptSignIn(page, name, 'anything');
  await expect(page.getByRole('main').getByRole('alert')).toContainText('Too many failed sign-ins');
  // The address is locked too: even the admin's right password is refused from here now.
  await page.getByRole('textbox', { name: 'Username' }).fill(E2E.admin.username);
  await page.getByLabel('Password').fill(E2E.admin.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('main').getByRole('alert')).toContainText('Too many failed sign-ins');
}

test('repeated and malformed query parameters never answer 5xx', async ({ request }) => {
  const crafted = [
    '/history?user=a&user=b',
    '/history?user=%00%ff',
    '/history/1?error=a&error=b',
    '/history/1?result=removed&result=failed&after=x&after=2',
    '/history/1?after=-1&result=%27%22',
    '/history/99999999999999999999999',
    '/audit?operator=a&operator=b',
    '/audit?action=a&action=b&before=1e999',
    '/bulk?run=1&run=2',
    '/login?next=/history&next=/audit',
    '/api/runs/1?x=1&x=2',
  ];
  for (const path of crafted) {
    const res = await request.get(path, { maxRedirects: 0 });
    expect(res.status(), path).toBeLessThan(500);
  }
});

test('pages carry a nonce CSP without unsafe-inline scripts, and framing is refused', async ({ request }) => {
  const res = await request.get('/history');
  const csp = res.headers()['content-security-policy'] ?? '';
  expect(csp).toMatch(/script-src [^;]*'nonce-[^']+'/);
  expect(csp).not.toMatch(/script-src [^;]*'unsafe-inline'/);
  expect(csp).toContain("frame-ancestors 'none'");
  expect(res.headers()['x-content-type-options']).toBe('nosniff');
  expect(res.headers()['referrer-policy']).toBeTruthy();
});

test('X-Forwarded-Proto is believed, for HSTS and the Secure cookie, only with a trusted proxy in front', async ({ request }) => {
  const https = { 'x-forwarded-proto': 'https' };
  const signInThrough = async (base: string) =>
    fetch(`${base}/login`, { method: 'POST', redirect: 'manual', headers: { ...https, origin: base }, body: await signInFormBody(base, E2E.admin.username, E2E.admin.password) });

  expect((await request.get('/login', { headers: https })).headers()['strict-transport-security']).toBeUndefined();
  const direct = await signInThrough(E2E.consoleUrl);
  expect(direct.headers.get('set-cookie')).toContain(SESSION_COOKIE);
  expect(direct.headers.get('set-cookie')).not.toMatch(/;\s*secure/i);

  const server = new ConsoleProcess(3320, '.e2e-data/trusted-proxy.db', { TRUSTED_PROXY_HOPS: '1' });
  await server.start();
  try {
    expect((await request.get(`${server.url}/login`, { headers: https })).headers()['strict-transport-security']).toMatch(/^max-age=\d+/);
    expect((await request.get(`${server.url}/login`)).headers()['strict-transport-security']).toBeUndefined();
    expect((await signInThrough(server.url)).headers.get('set-cookie')).toMatch(/;\s*secure/i);
  } finally {
    await server.kill();
  }
});

test('an admin adds a viewer, who can read history but not run anything', async ({ page, browser }) => {
  const viewer = { username: `viewer-${Date.now()}`, password: 'viewer-password-1' };
  await addOperator(page, { ...viewer, role: 'viewer' });
  await expect(page.getByRole('cell', { name: viewer.username, exact: true })).toBeVisible();

  const context = await browser.newContext({ storageState: { cookies: [], origins: [] } });
  const vp = await context.newPage();
  await signIn(vp, E2E.consoleUrl, viewer.username, viewer.password);
  // Lands where a viewer can act: history, not a "Not allowed" page.
  await expect(vp).toHaveURL(/\/history$/);
  await expect(vp.getByRole('heading', { name: 'Not allowed' })).toHaveCount(0);
  await expect(vp.getByRole('link', { name: 'Remove attributes' })).toHaveCount(0);
  await vp.goto(`${E2E.consoleUrl}/remove`);
  await expect(vp.getByRole('heading', { name: 'Not allowed' })).toBeVisible();
  await expect(vp.getByRole('button', { name: 'Remove attributes' })).toHaveCount(0);
  await vp.goto(`${E2E.consoleUrl}/bulk`);
  await expect(vp.getByRole('heading', { name: 'Not allowed' })).toBeVisible();
  await vp.goto(`${E2E.consoleUrl}/history`);
  await expect(vp.getByRole('searchbox', { name: 'Search by user ID' })).toBeVisible();
  await context.close();

  await page.goto(`/audit?action=operator-added`);
  await expect(page.getByRole('cell', { name: new RegExp(viewer.username) })).toBeVisible();
});

test('an admin is offered no action on their own row that would be refused', async ({ page }) => {
  await page.goto('/operators');
  const own = page.getByRole('table', { name: 'Operators' }).getByRole('row').filter({ has: page.getByRole('cell', { name: E2E.admin.username, exact: true }) });
  await expect(own).toHaveCount(1);
  await expect(own).toContainText("You (change your own account from another admin's)");
  await expect(own.getByRole('button')).toHaveCount(0);
  await expect(own.getByRole('combobox')).toHaveCount(0);
  // Another operator's row still has them, so the check above is not looking at an empty table.
  const other = { username: `other-${Date.now()}`, password: 'other-password-1' };
  await addOperator(page, { ...other, role: 'operator' });
  const theirs = page.getByRole('row').filter({ has: page.getByRole('cell', { name: other.username, exact: true }) });
  await expect(theirs.getByRole('button', { name: `Disable ${other.username}` })).toBeVisible();
  await expect(theirs.getByRole('combobox', { name: `Role of ${other.username}` })).toBeVisible();
});

test('a user ID that looks like HTML is shown as text, never run', async ({ page, request }) => {
  await sim(request).reset();
  let dialogs = 0;
  page.on('dialog', async (d) => {
    dialogs++;
    await d.dismiss();
  });
  const hostile = '<img/src=x/onerror=alert(1)>';
  await page.goto('/remove');
  await page.getByRole('textbox', { name: 'User IDs' }).fill(hostile);
  await page.getByRole('group', { name: 'Attributes' }).getByRole('checkbox', { name: 'city' }).check();
  await page.getByRole('button', { name: 'Remove attributes' }).click();
  await page.getByRole('button', { name: 'Confirm removal' }).click();
  await expect(page.getByRole('cell', { name: hostile, exact: true })).toBeVisible();
  await page.goto(`/history?user=${encodeURIComponent(hostile)}`);
  await expect(page.getByRole('heading', { name: /Runs that touched/ })).toContainText(hostile);
  expect(await page.locator('img[src="x"]').count()).toBe(0);
  expect(dialogs).toBe(0);
});

const leaks = (text: string) => text.includes(E2E.secretKey) || /usersig=(?!\[redacted\])/i.test(text) || /eJ[A-Za-z0-9*_-]{120,}/.test(text);

/** Every page and route handler of the build, from its manifest, so a new route is crawled too. */
function routes(): string[] {
  const manifest = JSON.parse(readFileSync('.next/app-path-routes-manifest.json', 'utf8')) as Record<string, string>;
  return Object.values(manifest)
    .filter((r) => !r.startsWith('/_'))
    .map((r) => r.replaceAll('[runId]', '1'));
}

test('the secret key and UserSigs are in no response, build file, database or log line', async ({ request, playwright, page }) => {
  // Make sure there is a run, with TIM requests in the log, before looking.
  await page.goto('/remove');
  await page.getByRole('textbox', { name: 'User IDs' }).fill('judy\nghost-leak');
  await page.getByRole('group', { name: 'Attributes' }).getByRole('checkbox', { name: 'plan' }).check();
  await page.getByRole('button', { name: 'Remove attributes' }).click();
  await page.getByRole('button', { name: 'Confirm removal' }).click();
  await expect(page.getByRole('heading', { name: /Result of run/ })).toBeVisible();

  const viewer = { username: `leak-viewer-${Date.now()}`, password: 'leak-viewer-password' };
  await addOperator(page, { ...viewer, role: 'viewer' });
  const viewerContext = await page.context().browser()!.newContext({ storageState: { cookies: [], origins: [] } });
  const vp = await viewerContext.newPage();
  await signIn(vp, E2E.consoleUrl, viewer.username, viewer.password);
  const anonymous = await playwright.request.newContext({ baseURL: E2E.consoleUrl, storageState: { cookies: [], origins: [] } });

  const crawl = routes();
  expect(crawl).toEqual(expect.arrayContaining(['/remove', '/bulk', '/history/1', '/history/1/export', '/api/runs/1', '/operators', '/audit']));
  const callers = { admin: request, viewer: vp.request, anonymous };
  for (const [who, caller] of Object.entries(callers)) {
    for (const route of crawl) {
      for (const headers of [{}, { RSC: '1' }] as Record<string, string>[]) {
        const res = await caller.get(`${E2E.consoleUrl}${route}`, { headers });
        expect(leaks(await res.text()), `${who} ${route} ${JSON.stringify(headers)}`).toBe(false);
      }
    }
  }
  await viewerContext.close();
  await anonymous.dispose();

  const found = filesUnder('.next/static').filter((f) => leaks(readFileSync(f, 'latin1')));
  expect(found, 'files under .next/static holding a secret').toEqual([]);
  for (const f of ['.e2e-data/main.db', '.e2e-data/main.db-wal']) {
    let text = '';
    try {
      text = readFileSync(f, 'latin1');
    } catch {
      continue;
    }
    expect(leaks(text), `${f} holds a secret`).toBe(false);
  }
  const log = readFileSync('.e2e-data/main.db.log', 'utf8');
  expect(log).toContain('usersig=[redacted]');
  expect(leaks(log), 'the server log holds a secret').toBe(false);
});

/** Every server action, called directly with a crafted request (as a script would), not through a page. */
function actions(): { id: string; name: string; page: string }[] {
  const manifest = JSON.parse(readFileSync('.next/server/server-reference-manifest.json', 'utf8')) as {
    node: Record<string, { exportedName: string; filename: string; workers: Record<string, unknown> }>;
  };
  return Object.entries(manifest.node).map(([id, a]) => ({
    id,
    name: a.exportedName,
    page: `/${Object.keys(a.workers)[0]!.replace(/^app\//, '').replace(/\/page$/, '').replace('[runId]', '1')}`,
  }));
}

const CRAFTED_ARGS: Record<string, unknown[]> = {
  removeAttributesAction: [{ userIds: 'alice', attrs: ['city'] }],
  startUploadAction: [{ uploadId: 1, attrs: ['city'], requestKey: 'crafted-request-key-0001' }],
  discardUploadAction: [{ uploadId: 1 }],
  cancelRunAction: [1],
  retryFailedAction: [1],
  changeOperatorAction: [{ kind: 'add', username: 'intruder', password: 'intruder-password', role: 'admin' }],
  checkValuesAction: [{ userIds: 'alice', attrs: ['city'] }],
  restoreAction: [{ runId: 1 }],
  removeCheckedAction: [{ runId: 1, requestKey: 'crafted-request-key-0002' }],
  createTokenAction: [{ name: 'intruder', role: 'admin', days: 365 }],
  revokeTokenAction: [{ id: 1 }],
  addWebhookAction: [{ url: 'https://hooks.example.com/intruder', locale: 'en' }],
  removeWebhookAction: [{ id: 1 }],
};

/** The actions every signed-in role may call (and the sign-in itself): each other one is in CRAFTED_ARGS. */
const ANY_ROLE = ['chooseAppAction', 'chooseLanguageAction', 'signInAction', 'signOutAction'];

test.describe('server actions called directly', () => {
  test('refuse anonymous callers and under-privileged roles, and change nothing', async ({ request, playwright, page }) => {
    await sim(request).reset();
    const list = actions().filter((a) => a.name in CRAFTED_ARGS);
    expect(list.map((a) => a.name).sort()).toEqual(Object.keys(CRAFTED_ARGS).sort());
    expect(actions().filter((a) => !(a.name in CRAFTED_ARGS) && !ANY_ROLE.includes(a.name)).map((a) => a.name), 'an action this test does not call').toEqual([]);

    const viewer = { username: `sweep-viewer-${Date.now()}`, password: 'sweep-viewer-password' };
    await addOperator(page, { ...viewer, role: 'viewer' });

    const anonymous = await playwright.request.newContext({ baseURL: E2E.consoleUrl, storageState: { cookies: [], origins: [] } });
    const viewerBrowser = await page.context().browser()!.newContext({ storageState: { cookies: [], origins: [] } });
    const vp = await viewerBrowser.newPage();
    await signIn(vp, E2E.consoleUrl, viewer.username, viewer.password);

    for (const a of list) {
      const init = {
        headers: { 'Next-Action': a.id, 'Content-Type': 'text/plain;charset=UTF-8', Accept: 'text/x-component' },
        data: JSON.stringify(CRAFTED_ARGS[a.name]),
        maxRedirects: 0,
      };
      const anon = await anonymous.post(a.page, init);
      expect(anon.status(), `${a.name} without a cookie`).toBe(401);
      // Past the proxy, with a cookie it cannot tell from a live one.
      const stale = await anonymous.post(a.page, { ...init, headers: { ...init.headers, cookie: unknownSessionCookie() } });
      expect(await stale.text(), `${a.name} with a signed cookie of no session`).toContain('Your session has ended');
      const asViewer = await vp.request.post(`${E2E.consoleUrl}${a.page}`, init);
      expect(await asViewer.text(), `${a.name} as a viewer`).toMatch(/Your role \(viewer\) cannot do this/);
    }
    await anonymous.dispose();
    await viewerBrowser.close();

    expect(await sim(request).requests()).toHaveLength(0);
    await page.goto('/operators');
    await expect(page.getByRole('cell', { name: 'intruder', exact: true })).toHaveCount(0);
    await expect(page.getByRole('table', { name: 'API tokens' }).getByRole('cell', { name: 'intruder', exact: true })).toHaveCount(0);
  });
});
