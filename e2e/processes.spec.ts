import { expect, test, type Page } from '@playwright/test';
import { signIn } from './support/auth';
import { ConsoleProcess } from './support/console-process';
import { plantedCsv } from './support/csv';
import { E2E } from './support/env';
import { startCsvRun } from './support/runs';
import { sim } from './support/sim';

test.use({ storageState: { cookies: [], origins: [] } });

async function removeWithForm(page: Page, base: string, user: string) {
  await page.goto(`${base}/remove`);
  await page.getByRole('textbox', { name: 'User IDs' }).fill(user);
  await page.getByRole('group', { name: 'Attributes' }).getByRole('checkbox', { name: 'sex', exact: true }).check();
  await page.getByRole('button', { name: 'Remove attributes' }).click();
  await page.getByRole('button', { name: 'Confirm removal' }).click();
}

test('a second console on the same database stands by, sends nothing, and takes over when the first is killed', async ({ page, request }) => {
  test.setTimeout(150_000);
  await sim(request).reset();
  await sim(request).configure({ latencyMs: 300 });
  const first = new ConsoleProcess(3317, '.e2e-data/shared.db');
  const second = new ConsoleProcess(3318, '.e2e-data/shared.db', {}, { keepDatabase: true });
  await first.start();
  try {
    await second.start();
    // Sessions live in the shared database and cookies ignore ports: one sign-in serves both consoles.
    await signIn(page, first.url, E2E.admin.username, E2E.admin.password);
    const csv = plantedCsv();
    const runId = await startCsvRun(page, first.url, csv.text);

    await page.goto(`${second.url}/history`);
    await expect(page.getByRole('status', { name: 'Worker status' })).toContainText('standing by');
    await removeWithForm(page, second.url, 'alice');
    await expect(page.getByRole('main').getByRole('alert')).toContainText('standing by');
    expect(await sim(request).user('alice')).toHaveProperty('sex');

    await expect
      .poll(async () => ((await (await page.request.get(`${first.url}/api/runs/${runId}`)).json()) as { run: { status: string } }).run.status, { timeout: 90_000 })
      .toBe('completed');
    const sent = (await sim(request).requests()).flatMap((r) => (r as unknown as { accounts?: string[] }).accounts ?? []);
    expect(sent.length).toBe(new Set(sent).size);
    // The unknown users failed at their batch's snapshot (70107 from get_attr): only the others get a remove_attr.
    expect(new Set(sent).size).toBe(csv.validUsers.length - csv.unknownUsers.length);
    const read = (await sim(request).requests('get_attr')).flatMap((r) => r.accounts ?? []);
    expect(read.length).toBe(new Set(read).size);
    expect(new Set(read).size).toBe(csv.validUsers.length);
    const stats = (await (await request.get(`${E2E.simUrl}/__sim/stats`)).json()) as { maxPerSecond: number; rateLimited: number };
    expect(stats.maxPerSecond).toBeLessThanOrEqual(100);

    await first.kill();
    await expect(async () => {
      await page.goto(`${second.url}/history`);
      await expect(page.getByRole('status', { name: 'Worker status' })).toHaveCount(0);
    }).toPass({ timeout: 30_000 });
    await removeWithForm(page, second.url, 'alice');
    await expect(page.getByRole('heading', { name: /Result of run #\d+/ })).toBeVisible();
    await expect(page.getByRole('row').filter({ hasText: 'alice' }).getByRole('cell').nth(1)).toHaveText(/^Removed/);
    expect(await sim(request).user('alice')).not.toHaveProperty('sex');
  } finally {
    await first.kill();
    await second.kill();
  }
});
