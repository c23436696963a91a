import { expect, test, type APIRequestContext, type Page } from '@playwright/test';
import { writeFileSync } from 'node:fs';
import { signIn } from './support/auth';
import { ConsoleProcess } from './support/console-process';
import { E2E } from './support/env';

test.use({ storageState: { cookies: [], origins: [] } });

interface TestApp {
  id: string;
  label: string;
  sdkAppId: number;
  key: string;
  envLabel: string;
}

const ALPHA: TestApp = { id: 'alpha', label: 'Alpha staging', sdkAppId: E2E.sdkAppId, key: E2E.secretKey, envLabel: 'staging' };
const BETA: TestApp = { id: 'beta', label: 'Beta production', sdkAppId: E2E.secondApp.sdkAppId, key: E2E.secondApp.secretKey, envLabel: 'production' };
const APPS_FILE = '.e2e-data/apps.json';

function writeApps(apps: TestApp[]) {
  const entries = apps.map((a) => ({ id: a.id, label: a.label, sdkAppId: a.sdkAppId, baseUrl: E2E.simUrl, secretKeyEnv: `E2E_KEY_${a.id.toUpperCase()}`, envLabel: a.envLabel }));
  writeFileSync(APPS_FILE, JSON.stringify(entries));
}

/** A console given both apps through TIM_APPS_FILE; the single-app variables are blanked. */
function appsConsole(keepDatabase = false) {
  return new ConsoleProcess(
    3319,
    '.e2e-data/apps.db',
    { TIM_APPS_FILE: APPS_FILE, TIM_SDKAPPID: '', TIM_SECRET_KEY: '', TIM_BASE_URL: '', E2E_KEY_ALPHA: ALPHA.key, E2E_KEY_BETA: BETA.key },
    { keepDatabase },
  );
}

function simApp(request: APIRequestContext, sdkAppId: number) {
  const url = (path: string) => `${E2E.simUrl}/__sim/${path}?sdkappid=${sdkAppId}`;
  return {
    user: async (id: string) => (await request.get(url(`users/${id}`))).json() as Promise<Record<string, string>>,
    removeCalls: async () => ((await (await request.get(url('requests'))).json()) as { api: string; sdkAppId: number }[]).filter((r) => r.api === 'remove_attr'),
    stats: async () => (await (await request.get(url('stats'))).json()) as { sigFailures: number; maxPerSecond: number },
    configure: async (patch: Record<string, unknown>) => expect((await request.post(url('config'), { data: patch })).ok()).toBe(true),
  };
}

async function chooseApp(page: Page, base: string, app: TestApp) {
  await page.getByRole('combobox', { name: 'App' }).selectOption(app.id);
  await expect(page.getByRole('note', { name: 'Where you are' })).toContainText(`SDKAppID ${app.sdkAppId}`);
  await page.goto(`${base}/remove`);
  await expect(page.getByRole('note', { name: 'Where you are' })).toContainText(app.label);
}

async function removeWithForm(page: Page, user: string, attr: string, app: TestApp) {
  await page.getByRole('textbox', { name: 'User IDs' }).fill(user);
  await page.getByRole('group', { name: 'Attributes' }).getByRole('checkbox', { name: attr, exact: true }).check();
  await page.getByRole('button', { name: 'Remove attributes' }).click();
  await expect(page.getByRole('region', { name: 'Check before sending' })).toContainText(`SDKAppID ${app.sdkAppId}`);
  await page.getByRole('button', { name: 'Confirm removal' }).click();
  await expect(page.getByRole('heading', { name: /Result of run #\d+/ })).toBeVisible();
}

test.beforeEach(async ({ request }) => {
  expect((await request.post(`${E2E.simUrl}/__sim/reset`)).ok()).toBe(true);
  expect((await request.delete(`${E2E.simUrl}/__sim/requests`)).ok()).toBe(true);
});

test('two apps in one console: the App combobox switches, and each run reaches only its own app with its own key', async ({ page, request }) => {
  writeApps([ALPHA, BETA]);
  const server = appsConsole();
  await server.start();
  try {
    await signIn(page, server.url, E2E.admin.username, E2E.admin.password);
    await page.goto(`${server.url}/remove`);
    await expect(page.getByRole('combobox', { name: 'App' }).getByRole('option')).toHaveText([ALPHA.label, BETA.label]);
    await expect(page.getByRole('note', { name: 'Where you are' })).toContainText(`SDKAppID ${ALPHA.sdkAppId}`);

    await chooseApp(page, server.url, BETA);
    await removeWithForm(page, 'alice', 'sex', BETA);
    expect(await simApp(request, BETA.sdkAppId).user('alice')).not.toHaveProperty('sex');
    expect(await simApp(request, ALPHA.sdkAppId).user('alice')).toHaveProperty('sex');

    // The choice is remembered for the operator: a new page load still acts on beta.
    await page.goto(`${server.url}/history`);
    await expect(page.getByRole('note', { name: 'Where you are' })).toContainText(BETA.label);

    await chooseApp(page, server.url, ALPHA);
    await removeWithForm(page, 'bob', 'city', ALPHA);
    expect(await simApp(request, ALPHA.sdkAppId).user('bob')).not.toHaveProperty('city');
    expect(await simApp(request, BETA.sdkAppId).user('bob')).toHaveProperty('city');

    const alpha = simApp(request, ALPHA.sdkAppId);
    const beta = simApp(request, BETA.sdkAppId);
    expect((await alpha.removeCalls()).map((r) => r.sdkAppId)).toEqual([ALPHA.sdkAppId]);
    expect((await beta.removeCalls()).map((r) => r.sdkAppId)).toEqual([BETA.sdkAppId]);
    // Every request verified against its own app's key.
    expect((await alpha.stats()).sigFailures).toBe(0);
    expect((await beta.stats()).sigFailures).toBe(0);

    // History shows each run's app and filters by it.
    await page.goto(`${server.url}/history`);
    const runs = page.getByRole('table', { name: 'Runs, newest first' });
    await expect(runs.getByRole('row')).toHaveCount(3);
    await page.getByRole('combobox', { name: 'Show runs of' }).selectOption(BETA.id);
    await page.getByRole('button', { name: 'Show' }).click();
    await expect(page).toHaveURL(/app=beta/);
    await expect(runs.getByRole('row')).toHaveCount(2);
    await expect(runs.getByRole('row').nth(1)).toContainText(BETA.label);
  } finally {
    await server.kill();
  }
});

test('a run whose app was removed from the file stops with that reason and sends nothing more', async ({ page, request }) => {
  test.setTimeout(120_000);
  writeApps([ALPHA, BETA]);
  const beta = simApp(request, BETA.sdkAppId);
  await beta.configure({ latencyMs: 1500 });
  const server = appsConsole();
  const restarted = appsConsole(true);
  await server.start();
  try {
    await signIn(page, server.url, E2E.admin.username, E2E.admin.password);
    await page.goto(`${server.url}/bulk`);
    await page.getByRole('combobox', { name: 'App' }).selectOption(BETA.id);
    await expect(page.getByRole('note', { name: 'Where you are' })).toContainText(BETA.label);
    const ids = Array.from({ length: 2000 }, (_, i) => `user${String(i + 1).padStart(5, '0')}`);
    await page.getByRole('group', { name: 'Attributes' }).getByRole('checkbox', { name: 'country', exact: true }).check();
    await page.getByLabel('CSV file').setInputFiles({ name: 'beta.csv', mimeType: 'text/csv', buffer: Buffer.from(`user\n${ids.join('\n')}\n`) });
    await page.getByRole('button', { name: 'Start removal' }).click();
    await expect(page.getByRole('region', { name: 'Check before sending' })).toContainText(BETA.label);
    // 2,000 users on a production app: the name must be typed first.
    await expect(page.getByRole('button', { name: 'Confirm removal' })).toBeDisabled();
    await page.getByRole('textbox', { name: 'Type the app name' }).fill(BETA.id);
    await expect(page.getByRole('button', { name: 'Confirm removal' })).toBeDisabled();
    await page.getByRole('textbox', { name: 'Type the app name' }).fill(BETA.label);
    await page.getByRole('button', { name: 'Confirm removal' }).click();
    await expect(page).toHaveURL(/\/bulk\?run=\d+/);
    const runId = Number(new URL(page.url()).searchParams.get('run'));
    await expect.poll(async () => (await beta.removeCalls()).length, { timeout: 20_000 }).toBeGreaterThan(0);

    await server.kill();
    writeApps([ALPHA]);
    await restarted.start();
    const sentBefore = (await beta.removeCalls()).length;
    await page.goto(`${server.url}/history/${runId}`);
    await expect(page.getByRole('main')).toContainText('Stopped by an error');
    await expect(page.getByRole('main')).toContainText("The run's app is no longer configured");
    await expect(page.getByRole('main')).toContainText('beta (no longer configured)');
    await new Promise((r) => setTimeout(r, 2000));
    expect((await beta.removeCalls()).length).toBe(sentBefore);
    const status = (await (await page.request.get(`${server.url}/api/runs/${runId}`)).json()) as { run: { status: string; notSent: number; pending: number; error: { key: string } } };
    expect(status.run).toMatchObject({ status: 'failed', pending: 0, error: { key: 'app.removed' } });
    expect(status.run.notSent).toBeGreaterThan(0);
  } finally {
    await server.kill();
    await restarted.kill();
  }
});
