import { expect, test, type Page } from '@playwright/test';
import { ConsoleProcess } from './support/console-process';
import { addOperator, signIn } from './support/auth';
import { parseExport } from './support/csv';
import { E2E } from './support/env';
import { sim } from './support/sim';

test.beforeEach(async ({ request }) => {
  await sim(request).reset();
});

const ATTRS = ['city', 'tier'];
const known = Array.from({ length: 2490 }, (_, i) => `user${String(i + 1).padStart(5, '0')}`);
const unknown = Array.from({ length: 10 }, (_, i) => `nobody-${i + 1}`);

/** 2,500 rows without a header: 2,490 seeded users and 10 that do not exist. */
const csvOf = (ids: string[]) => `${ids.join('\n')}\n`;

async function stage(page: Page, base: string, ids: string[], name = 'users.csv') {
  await page.goto(`${base}/bulk`);
  const group = page.getByRole('group', { name: 'Attributes' });
  for (const a of ATTRS) await group.getByRole('checkbox', { name: a, exact: true }).check();
  await page.getByLabel('CSV file').setInputFiles({ name, mimeType: 'text/csv', buffer: Buffer.from(csvOf(ids)) });
  await expect(page.getByText('Checked by the server')).toBeVisible();
}

async function completed(page: Page, runId: number) {
  await expect(page.getByRole('heading', { level: 1, name: new RegExp(`^Run #${runId}: `) })).toBeVisible();
  await expect(page.locator('dt:text-is("Status") + dd')).toHaveText('Completed', { timeout: 60_000 });
}

const runIdOf = (page: Page) => Number(/\/history\/(\d+)/.exec(page.url())![1]);

async function removeStaged(page: Page): Promise<number> {
  await page.getByRole('button', { name: 'Start removal' }).click();
  await page.getByRole('button', { name: 'Confirm removal' }).click();
  await expect(page).toHaveURL(/\/bulk\?run=\d+/);
  const runId = Number(new URL(page.url()).searchParams.get('run'));
  await page.goto(`/history/${runId}`);
  await completed(page, runId);
  return runId;
}

test('a dry run of a 2,500-row CSV counts the simulator’s values per attribute, lists the unknown users, changes nothing, and leads to the removal', async ({ page, request }) => {
  const before = await sim(request).users(known);
  await stage(page, '', [...known.slice(0, 1200), ...unknown, ...known.slice(1200)]);
  await page.getByRole('button', { name: 'Check current values' }).click();
  await expect(page).toHaveURL(/\/history\/\d+/);
  const checkId = runIdOf(page);
  await completed(page, checkId);

  const counts = page.getByRole('table', { name: 'Current values per attribute' });
  for (const attr of ATTRS) {
    const having = known.filter((u) => before[u]?.[attr] !== undefined).length;
    const row = counts.getByRole('row').filter({ has: page.getByRole('rowheader', { name: attr, exact: true }) });
    await expect(row.getByRole('cell')).toHaveText([having.toLocaleString('en'), (known.length - having).toLocaleString('en'), unknown.length.toLocaleString('en'), '']);
    await expect(row.getByRole('img')).toHaveAccessibleName(
      `${attr}: ${having.toLocaleString('en')} have a value, ${(known.length - having).toLocaleString('en')} have none, ${unknown.length} could not be read`,
    );
  }
  // The answer first, then the same numbers as a picture, all agreeing with the simulator.
  const withAny = known.filter((u) => ATTRS.some((a) => before[u]?.[a] !== undefined)).length;
  const lead = [`Would remove values from ${withAny.toLocaleString('en')} users`];
  if (known.length > withAny) lead.push(`${(known.length - withAny).toLocaleString('en')} have nothing to remove`);
  lead.push(`${unknown.length} do not exist`);
  await expect(page.getByText(lead.join(' · '), { exact: true })).toBeVisible();
  await expect(page.getByRole('region', { name: 'Run summary' }).getByRole('img')).toHaveAccessibleName(new RegExp(`^Outcome of 2,500 users: Has a value ${withAny.toLocaleString('en')} \\(`));
  await expect(page.getByRole('region', { name: 'Run summary' }).getByRole('img')).toHaveAccessibleName(/Unknown user 10 \(0\.4 %\)$/);
  const unread = page.getByRole('table', { name: /Users that could not be read/ });
  await expect(unread.getByRole('row')).toHaveCount(1 + unknown.length);
  for (const u of unknown) await expect(unread.getByRole('row').filter({ has: page.getByRole('cell', { name: u, exact: true }) })).toContainText('70107');
  await expect(page.getByText(/not imported|does not exist/i).first()).toBeVisible();

  const table = page.getByRole('table', { name: /Current values/ }).last();
  await expect(table.getByRole('columnheader')).toHaveText(['User', 'Attribute', 'Current value']);
  await page.getByRole('searchbox', { name: 'Search this run by user ID' }).fill('user00006');
  await page.getByRole('button', { name: 'Search', exact: true }).click();
  const one = page.getByRole('table', { name: 'Current values of user00006' });
  for (const attr of ATTRS) {
    await expect(one.getByRole('row').filter({ has: page.getByRole('cell', { name: attr, exact: true }) }).getByRole('cell').last()).toHaveText(
      before.user00006?.[attr] ?? '(none)',
    );
  }

  expect(await sim(request).requests('remove_attr')).toEqual([]);
  expect(await sim(request).requests('set_attr')).toEqual([]);
  expect(await sim(request).users(known)).toEqual(before);

  await page.getByRole('button', { name: 'Remove attributes' }).click();
  await expect(page.getByRole('region', { name: 'Check before sending' })).toContainText(`${withAny.toLocaleString('en')} users`);
  await page.getByRole('button', { name: 'Confirm removal' }).click();
  await expect(page).not.toHaveURL(new RegExp(`/history/${checkId}$`));
  const removalId = runIdOf(page);
  await completed(page, removalId);
  await expect(page.locator('dt:text-is("Source") + dd')).toContainText(`CSV upload, from dry run #${checkId}`);
  const after = await sim(request).users(known);
  for (const u of known) for (const attr of ATTRS) expect(after[u], u).not.toHaveProperty(attr);
});

test('remove, then restore: every value comes back as it was, except one set again in between, which keeps its new value', async ({ page, request }) => {
  const ids = known.slice(0, 600);
  const before = await sim(request).users(ids);
  await stage(page, '', ids);
  const removalId = await removeStaged(page);

  // The Before column holds what the removal took away, as name=value pairs.
  const results = page.getByRole('table', { name: /Per-user results/ });
  await expect(results.getByRole('columnheader', { name: 'Before' })).toBeVisible();
  const firstBefore = Object.entries(before.user00001!).filter(([k]) => ATTRS.includes(k)).map(([k, v]) => `${k}=${v}`).join('; ');
  await expect(results.getByRole('row').filter({ has: page.getByRole('cell', { name: 'user00001', exact: true }) })).toContainText(firstBefore);
  const exported = parseExport(await (await request.get(`/history/${removalId}/export`)).text());
  expect(exported.find((r) => r.user === 'user00001')?.before).toBe(firstBefore);

  await sim(request).setAttr('user00005', { city: 'Set-Again' });
  await sim(request).configure({ latencyMs: 0 });
  await page.getByRole('button', { name: 'Restore removed values' }).click();
  await expect(page.getByRole('heading', { name: 'Check before sending' })).toBeVisible();
  await page.getByRole('button', { name: 'Confirm restore' }).click();
  await expect(page).not.toHaveURL(new RegExp(`/history/${removalId}$`));
  const restoreId = runIdOf(page);
  await completed(page, restoreId);
  await expect(page.getByRole('link', { name: `run #${removalId}` }).first()).toBeVisible();

  const restored = await sim(request).users(ids);
  for (const u of ids) {
    if (u === 'user00005') expect(restored[u]).toEqual({ ...before[u], city: 'Set-Again' });
    else expect(restored[u], u).toEqual(before[u]);
  }
  const rows = page.getByRole('table', { name: /Per-user results/ }).getByRole('row');
  await expect(rows.filter({ has: page.getByRole('cell', { name: 'user00005', exact: true }) })).toContainText(/Restored|Skipped/);
  await expect(rows.filter({ has: page.getByRole('cell', { name: 'user00005', exact: true }) })).toContainText('set again since the removal — not overwritten');
  await expect(rows.filter({ has: page.getByRole('cell', { name: 'user00001', exact: true }) }).getByRole('cell').nth(1)).toHaveText(/^Restored/);

  // No user got a set_attr it did not lose a value for.
  const lost = new Set(ids.filter((u) => ATTRS.some((a) => before[u]?.[a] !== undefined)));
  for (const r of await sim(request).requests('set_attr')) for (const a of r.accounts ?? []) expect(lost.has(a), a).toBe(true);

  await page.goto(`/history/${removalId}`);
  await expect(page.getByText(/Nothing left to restore/)).toBeVisible();
  await expect(page.getByRole('link', { name: `run #${restoreId}` })).toBeVisible();
});

test('a viewer sees neither the Before column nor any value, on the page or in the export', async ({ page, browser, request }) => {
  const ids = known.slice(0, 50);
  const before = await sim(request).users(ids);
  await stage(page, '', ids);
  const removalId = await removeStaged(page);
  const aValue = `city=${before.user00001!.city}`;
  await expect(page.getByText(aValue).first()).toBeVisible();

  const viewer = { username: `viewer-undo-${Date.now()}`, password: 'viewer-password-1' };
  await addOperator(page, { ...viewer, role: 'viewer' });
  const context = await browser.newContext({ storageState: { cookies: [], origins: [] } });
  const vp = await context.newPage();
  await signIn(vp, E2E.consoleUrl, viewer.username, viewer.password);
  const response = await vp.goto(`${E2E.consoleUrl}/history/${removalId}`);
  await expect(vp.getByRole('table', { name: /Per-user results/ })).toBeVisible();
  await expect(vp.getByRole('columnheader', { name: 'Before' })).toHaveCount(0);
  await expect(vp.getByRole('button', { name: 'Restore removed values' })).toHaveCount(0);
  // Not in the HTML, nor in the RSC payload it carries.
  expect(await response!.text()).not.toContain(aValue);
  const exported = await (await vp.request.get(`${E2E.consoleUrl}/history/${removalId}/export`)).text();
  expect(exported.split('\n')[0]).not.toContain('before');
  expect(exported).not.toContain(aValue);
  await context.close();
});

test('a restore killed with SIGKILL mid-way resumes on restart and brings every value back exactly once', async ({ page, request }) => {
  const server = new ConsoleProcess(3330, '.e2e-data/restore-kill.db');
  await server.start();
  try {
    const ids = known.slice(0, 2000);
    const before = await sim(request).users(ids);
    await signIn(page, server.url, E2E.admin.username, E2E.admin.password);
    await stage(page, server.url, ids);
    await page.getByRole('button', { name: 'Start removal' }).click();
    await page.getByRole('button', { name: 'Confirm removal' }).click();
    await expect(page).toHaveURL(/\/bulk\?run=\d+/);
    const removalId = Number(new URL(page.url()).searchParams.get('run'));
    await page.goto(`${server.url}/history/${removalId}`);
    await completed(page, removalId);

    // Slow answers: killed once set_attr requests have reached the simulator, before their replies are recorded.
    await sim(request).configure({ latencyMs: 1500 });
    await page.getByRole('button', { name: 'Restore removed values' }).click();
    await page.getByRole('button', { name: 'Confirm restore' }).click();
    await expect(page).not.toHaveURL(new RegExp(`/history/${removalId}$`));
    const restoreId = runIdOf(page);
    await expect.poll(async () => (await sim(request).requests('set_attr')).length, { timeout: 30_000, intervals: [100] }).toBeGreaterThan(0);

    await server.kill();
    await sim(request).configure({ latencyMs: 0 });
    await server.start();
    await page.goto(`${server.url}/history/${restoreId}`);
    await completed(page, restoreId);

    const status = (await (await page.request.get(`${server.url}/api/runs/${restoreId}`)).json()) as {
      run: { succeeded: number; skipped: number; failed: number; notSent: number; total: number };
    };
    expect(status.run).toMatchObject({ failed: 0, notSent: 0 });
    expect(status.run.succeeded + status.run.skipped).toBe(status.run.total);
    expect(await sim(request).users(ids)).toEqual(before);
  } finally {
    await server.kill();
  }
});
