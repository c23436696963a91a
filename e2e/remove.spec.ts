import { expect, test, type Page } from '@playwright/test';
import { E2E } from './support/env';
import { signIn } from './support/auth';
import { sim } from './support/sim';

async function removeVia(page: Page, userIds: string, attrs: string[]) {
  await page.goto('/remove');
  await page.getByRole('textbox', { name: 'User IDs' }).fill(userIds);
  const group = page.getByRole('group', { name: 'Attributes' });
  for (const a of attrs) await group.getByRole('checkbox', { name: a, exact: true }).check();
  await page.getByRole('button', { name: 'Remove attributes' }).click();
  await page.getByRole('button', { name: 'Confirm removal' }).click();
  await expect(page.getByRole('heading', { name: /Result of run #\d+/ })).toBeVisible({ timeout: 30_000 });
}

function resultRow(page: Page, user: string) {
  return page.getByRole('row').filter({ has: page.getByRole('cell', { name: user, exact: true }) });
}

test.beforeEach(async ({ request }) => {
  await sim(request).reset();
});

test('removes the picked attributes and shows one row per user', async ({ page, request }) => {
  const received: string[] = [];
  page.on('response', async (res) => {
    received.push(await res.text().catch(() => ''));
  });

  await page.goto('/remove');
  await expect(page.getByRole('group', { name: 'Attributes' }).getByRole('checkbox')).toHaveCount(5);
  await page.getByRole('textbox', { name: 'User IDs' }).fill('alice\nbob, alice');
  await page.getByRole('group', { name: 'Attributes' }).getByRole('checkbox', { name: 'city' }).check();
  await page.getByRole('group', { name: 'Attributes' }).getByRole('checkbox', { name: 'sex' }).check();
  await page.getByRole('button', { name: 'Remove attributes' }).click();

  await expect(page.getByText(/from 2 users/)).toBeVisible();
  await expect(page.getByText(/1 duplicate ID was merged: alice/)).toBeVisible();
  expect(await sim(request).requests()).toHaveLength(0);

  await page.getByRole('button', { name: 'Confirm removal' }).click();
  await expect(page.getByRole('heading', { name: /Result of run #\d+/ })).toBeVisible();

  for (const user of ['alice', 'bob']) {
    const row = resultRow(page, user);
    await expect(row.getByRole('cell').nth(1)).toHaveText(/^Removed/);
    await expect(row.getByRole('cell').nth(2)).toHaveText('');
  }
  const alice = await sim(request).user('alice');
  expect(alice).not.toHaveProperty('city');
  expect(alice).not.toHaveProperty('sex');
  expect(alice).toHaveProperty('tier');

  // Booleans, not the bodies: a failure must not print what it found.
  const everything = received.join('\n');
  expect(everything.includes(E2E.secretKey), 'secret key in a response').toBe(false);
  expect(/usersig=/i.test(everything), 'a UserSig query parameter in a response').toBe(false);
  expect(/eJ[A-Za-z0-9*_-]{120,}/.test(everything), 'something shaped like a UserSig in a response').toBe(false);
});

test('explains unknown users (70107) and removes the others', async ({ page, request }) => {
  await removeVia(page, 'carol\nghost-one\ndave\nghost-two', ['tier']);

  for (const ghost of ['ghost-one', 'ghost-two']) {
    const row = resultRow(page, ghost);
    await expect(row.getByRole('cell').nth(1)).toHaveText(/^Failed/);
    await expect(row.getByRole('cell').nth(2)).toHaveText('70107');
    await expect(row.getByRole('cell').nth(3)).toContainText(/account/i);
  }
  for (const user of ['carol', 'dave']) {
    await expect(resultRow(page, user).getByRole('cell').nth(1)).toHaveText(/^Removed/);
    expect(await sim(request).user(user)).not.toHaveProperty('tier');
  }
  await expect(page.getByRole('heading', { name: 'Why users failed' })).toBeVisible();
});

test('sends 250 users as 3 requests of at most 100', async ({ page, request }) => {
  const ids = Array.from({ length: 250 }, (_, i) => `user${String(i + 1).padStart(5, '0')}`);
  await removeVia(page, ids.join('\n'), ['plan']);

  // Each user is read (3 get_attr of at most 100), then those with a value are sent remove_attr.
  const reads = await sim(request).requests('get_attr');
  expect(reads).toHaveLength(3);
  expect(Math.max(...reads.map((c) => c.userCount))).toBeLessThanOrEqual(100);
  expect(reads.reduce((n, c) => n + c.userCount, 0)).toBe(250);
  const calls = await sim(request).requests();
  expect(calls.length).toBeLessThanOrEqual(3);
  expect(Math.max(...calls.map((c) => c.userCount))).toBeLessThanOrEqual(100);
  const removed = calls.reduce((n, c) => n + c.userCount, 0);

  await expect(page.getByRole('table', { name: /Per-user results/ }).getByRole('row')).toHaveCount(251);
  await expect(page.getByRole('cell', { name: /^Removed/ })).toHaveCount(removed);
  await expect(page.getByRole('cell', { name: /^Nothing to remove/ })).toHaveCount(250 - removed);
  expect(await sim(request).user('user00250')).not.toHaveProperty('plan');
});

test('refuses invalid input before anything is sent', async ({ page, request }) => {
  await page.goto('/remove');
  await page.getByRole('button', { name: 'Remove attributes' }).click();
  await expect(page.getByText('Enter at least one user ID.')).toBeVisible();
  await expect(page.getByText('Select at least one attribute.')).toBeVisible();

  await page.getByRole('textbox', { name: 'User IDs' }).fill(`alice\n${'x'.repeat(70)}`);
  await page.getByRole('button', { name: 'Remove attributes' }).click();
  await expect(page.getByText(/entry 2 .* 70 bytes long/)).toBeVisible();
  await expect(page.getByRole('textbox', { name: 'User IDs' })).toHaveAttribute('aria-invalid', 'true');
  await expect(page.getByRole('button', { name: 'Confirm removal' })).toHaveCount(0);
  expect(await sim(request).requests()).toHaveLength(0);
});

test('history lists the run and finds a user across runs', async ({ page }) => {
  await removeVia(page, 'erin\nfrank', ['country']);
  const runTitle = await page.getByRole('heading', { name: /Result of run #\d+/ }).textContent();
  const runId = runTitle!.match(/#(\d+)/)![1]!;

  await page.goto('/history');
  const firstRun = page.getByRole('table', { name: /Runs/ }).getByRole('row').nth(1);
  await expect(firstRun.getByRole('link', { name: `Run #${runId}` })).toBeVisible();

  await page.getByRole('searchbox', { name: 'Search by user ID' }).fill('frank');
  await page.getByRole('searchbox', { name: 'Search by user ID' }).press('Enter');
  await expect(page.getByRole('heading', { name: /Runs that touched frank/ })).toBeVisible();
  await expect(page.getByRole('link', { name: `Run #${runId}` })).toBeVisible();

  await page.getByRole('link', { name: `Run #${runId}` }).click();
  await expect(page.getByRole('heading', { name: `Run #${runId}` })).toBeVisible();
  await expect(resultRow(page, 'frank').getByRole('cell').nth(1)).toHaveText(/^Removed/);
});

test('a console with the wrong secret key explains the UserSig error and sends nothing removable', async ({ page, request }) => {
  await signIn(page, `http://127.0.0.1:${E2E.wrongKeyConsolePort}`, E2E.admin.username, E2E.admin.password);
  await page.goto(`http://127.0.0.1:${E2E.wrongKeyConsolePort}/remove`);
  await expect(page.getByRole('main').getByRole('alert')).toContainText(/TIM_SECRET_KEY/);
  await expect(page.getByRole('button', { name: 'Remove attributes' })).toHaveCount(0);
  expect(await sim(request).requests()).toHaveLength(0);
});

test('a key rotated mid-session stops the run before sending, explained once and recorded as failed', async ({ page, request }) => {
  await page.goto('/remove');
  await page.getByRole('textbox', { name: 'User IDs' }).fill('grace\nheidi');
  await page.getByRole('group', { name: 'Attributes' }).getByRole('checkbox', { name: 'city' }).check();
  await page.getByRole('button', { name: 'Remove attributes' }).click();
  await sim(request).configure({ secretKey: 'rotated-key' });
  await page.getByRole('button', { name: 'Confirm removal' }).click();

  const stopped = page.getByRole('main').getByRole('alert');
  await expect(stopped).toContainText(/The run stopped/);
  await expect(stopped).toContainText(/code 70009/);
  await expect(stopped).toContainText(/TIM_SECRET_KEY/);
  // The attribute check at confirm time finds the rotated key before any user is sent.
  await expect(resultRow(page, 'grace').getByRole('cell').nth(1)).toHaveText(/^Not sent/);
  await expect(resultRow(page, 'heidi').getByRole('cell').nth(1)).toHaveText(/^Not sent/);
  expect(await sim(request).requests()).toHaveLength(0);
  expect(await sim(request).user('grace')).toHaveProperty('city');

  await page.getByRole('link', { name: /Open run #\d+ in history/ }).click();
  await expect(page.getByText('Stopped by an error')).toBeVisible();
});
