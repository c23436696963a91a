import { expect, test, type Page } from '@playwright/test';
import { ConsoleProcess } from './support/console-process';
import { parseExport, plantedCsv } from './support/csv';
import { signIn } from './support/auth';
import { E2E } from './support/env';
import { sim } from './support/sim';

test.beforeEach(async ({ request }) => {
  await sim(request).reset();
});

async function upload(page: Page, base: string, text: string, attrs: string[]) {
  await page.goto(`${base}/bulk`);
  const group = page.getByRole('group', { name: 'Attributes' });
  for (const a of attrs) await group.getByRole('checkbox', { name: a, exact: true }).check();
  await page.getByLabel('CSV file').setInputFiles({ name: 'users.csv', mimeType: 'text/csv', buffer: Buffer.from(text) });
  await expect(page.getByRole('heading', { name: 'Preview of users.csv' })).toBeVisible();
}

async function start(page: Page): Promise<number> {
  await page.getByRole('button', { name: 'Start removal' }).click();
  await page.getByRole('button', { name: 'Confirm removal' }).click();
  await expect(page).toHaveURL(/\/bulk\?run=\d+/);
  return Number(new URL(page.url()).searchParams.get('run'));
}

function progress(page: Page, runId: number) {
  return page.getByRole('progressbar', { name: `Run #${runId} progress` });
}

test('a 2,500-row CSV: preview shows planted problems by line, the run completes, results and export match the simulator', async ({ page, request }) => {
  const csv = plantedCsv();
  await upload(page, '', csv.text, ['city']);

  const figure = (term: string) => page.locator(`dt:text-is("${term}") + dd`);
  await expect(figure('Rows read')).toHaveText('2,500');
  await expect(figure('Valid unique users')).toHaveText(csv.validUsers.length.toLocaleString('en'));
  await expect(figure('Invalid rows')).toHaveText('3');
  await expect(figure('Duplicates merged')).toHaveText('1');
  const problems = page.getByRole('table', { name: 'Invalid rows' });
  for (const [line, reason] of Object.entries(csv.badLines)) {
    await expect(problems.getByRole('row').filter({ has: page.getByRole('cell', { name: line, exact: true }) })).toContainText(reason);
  }
  expect(await sim(request).requests()).toHaveLength(0);

  const runId = await start(page);
  await expect(progress(page, runId)).toBeVisible();
  await expect(page.getByRole('heading', { name: new RegExp(`Run #${runId}.*Completed`) })).toBeVisible({ timeout: 60_000 });
  await expect(progress(page, runId)).toHaveAttribute('aria-valuenow', String(csv.validUsers.length));

  const calls = await sim(request).requests();
  expect(Math.max(...calls.map((c) => c.userCount))).toBeLessThanOrEqual(100);

  const exported = parseExport(await (await request.get(`/history/${runId}/export`)).text());
  expect(exported.map((r) => r.user).sort()).toEqual([...csv.validUsers].sort());
  const states = await sim(request).users(exported.map((r) => r.user!));
  for (const row of exported) {
    const state = states[row.user!];
    if (csv.unknownUsers.includes(row.user!)) {
      expect(row.result, row.user).toMatch(/^Failed/);
      expect(row.code).toBe('70107');
      expect(state).toBeNull();
    } else {
      expect(row.result, row.user).toBe('Removed');
      expect(state, row.user).not.toHaveProperty('city');
    }
  }
  const user1 = exported.find((r) => r.user === 'user00001')!;
  expect(user1.attributes!.split(';').sort()).toEqual(['city', 'tier']);
  expect(await sim(request).user('user00001')).not.toHaveProperty('tier');
  expect(await sim(request).user('user02400')).toHaveProperty('tier');

  await page.getByRole('link', { name: `View results of run #${runId}` }).click();
  await page.getByRole('combobox', { name: 'Result' }).selectOption('failed');
  await page.getByRole('button', { name: 'Apply filter' }).click();
  await expect(page.getByRole('table', { name: /Per-user results/ }).getByRole('row')).toHaveCount(1 + csv.unknownUsers.length);
});

test('a million rows, IDs in reverse order with repeats: once the file is sent the page says how far the server is in merging and storing them, then shows the exact preview', async ({ page, request }) => {
  test.setTimeout(180_000);
  const rows = 1_000_000;
  // Every tenth row names the user of the next row, with another attribute: merged, not counted twice.
  const lines = ['To_Account,Attrs'];
  for (let i = rows; i >= 1; i--) lines.push(i % 10 === 0 ? `user${i - 1},tier` : `user${i},city`);
  await page.goto('/bulk');
  await page.getByLabel('CSV file').setInputFiles({ name: 'million.csv', mimeType: 'text/csv', buffer: Buffer.from(`${lines.join('\n')}\n`) });
  await expect(page.getByText(/The server is merging repeated users and storing the users… \d+%/)).toBeVisible({ timeout: 120_000 });
  await expect(page.getByRole('heading', { name: 'Preview of million.csv' })).toBeVisible();
  await expect(page.getByText('Checked by the server')).toBeVisible({ timeout: 120_000 });
  const figure = (term: string) => page.locator(`dt:text-is("${term}") + dd`);
  await expect(figure('Rows read')).toHaveText('1,000,000');
  await expect(figure('Valid unique users')).toHaveText('900,000');
  await expect(figure('Duplicates merged')).toHaveText('100,000');
  expect(await sim(request).requests()).toHaveLength(0);
});

test('cancel stops the run after the batches in flight; the rest are "not sent" and untouched', async ({ page, request }) => {
  const csv = plantedCsv();
  await upload(page, '', csv.text, ['sex']);
  // Slow answers (under the console's 3 s timeout) keep the run going long enough to cancel.
  await sim(request).configure({ latencyMs: 2000 });
  const runId = await start(page);
  await expect(progress(page, runId)).toBeVisible();
  await page.getByRole('button', { name: 'Cancel' }).click();
  await expect(page.getByRole('heading', { name: new RegExp(`Run #${runId}.*Cancelled`) })).toBeVisible({ timeout: 30_000 });

  const exported = parseExport(await (await request.get(`/history/${runId}/export`)).text());
  const notSent = exported.filter((r) => r.result === 'Not sent');
  expect(notSent.length).toBeGreaterThan(0);
  expect(exported.filter((r) => r.result === 'Pending')).toHaveLength(0);
  for (const row of notSent.slice(0, 50)) expect(await sim(request).user(row.user!), row.user).toHaveProperty('sex');
  // Unknown users fail at their batch's snapshot (get_attr answers 70107) and get no remove_attr.
  const sent = (await sim(request).requests()).reduce((n, c) => n + c.userCount, 0);
  const failedAtSnapshot = exported.filter((r) => r.code === '70107').length;
  expect(exported.length - notSent.length - failedAtSnapshot).toBe(sent);
});

test('a server killed mid-run resumes on restart and accounts for every user', async ({ page, request }) => {
  await sim(request).configure({ latencyMs: 1500 });
  const server = new ConsoleProcess(3313, '.e2e-data/restart.db');
  await server.start();
  try {
    const csv = plantedCsv();
    await signIn(page, server.url, E2E.admin.username, E2E.admin.password);
    await upload(page, server.url, csv.text, ['country']);
    const runId = await start(page);
    await expect.poll(async () => Number(await progress(page, runId).getAttribute('aria-valuenow')), { timeout: 20_000 }).toBeGreaterThan(0);

    await server.kill();
    await server.start();
    // The run's own address: with 16 lanes the resumed run may finish before the page loads.
    await page.goto(`${server.url}/bulk?run=${runId}`);
    // Sessions live in the database, so the same cookie is still valid after the restart.
    await expect(page.getByRole('heading', { name: new RegExp(`Run #${runId}.*Completed`) })).toBeVisible({ timeout: 60_000 });

    const exported = parseExport(await (await page.request.get(`${server.url}/history/${runId}/export`)).text());
    expect(exported).toHaveLength(csv.validUsers.length);
    expect(exported.filter((r) => r.result === 'Removed')).toHaveLength(csv.validUsers.length - csv.unknownUsers.length);
    expect(exported.filter((r) => r.code === '70107')).toHaveLength(csv.unknownUsers.length);
    const status = (await (await page.request.get(`${server.url}/api/runs/${runId}`)).json()) as { run: { succeeded: number; failed: number; notSent: number; total: number } };
    expect(status.run.succeeded + status.run.failed + status.run.notSent).toBe(status.run.total);
    expect(status.run.notSent).toBe(0);
    for (const user of ['user00002', 'user01250', 'user02500']) expect(await sim(request).user(user), user).not.toHaveProperty('country');
  } finally {
    await server.kill();
  }
});

test('a staged upload is still there after a restart, and its start sends the first request within a second', async ({ page, request }) => {
  const server = new ConsoleProcess(3320, '.e2e-data/staged.db');
  await server.start();
  try {
    await signIn(page, server.url, E2E.admin.username, E2E.admin.password);
    await page.goto(`${server.url}/bulk`);
    const users = Array.from({ length: 300 }, (_, i) => `user${String(i + 1).padStart(5, '0')}`);
    await page.getByLabel('CSV file').setInputFiles({ name: 'staged.csv', mimeType: 'text/csv', buffer: Buffer.from(`user\n${users.join('\n')}\n`) });
    await expect(page.getByText('Checked by the server')).toBeVisible();

    await server.kill();
    await server.start();
    await page.goto(`${server.url}/bulk`);
    await expect(page.getByRole('heading', { name: 'Preview of staged.csv' })).toBeVisible();
    await expect(page.getByText('Checked by the server')).toBeVisible();
    await expect(page.locator('dt:text-is("Valid unique users") + dd')).toHaveText('300');
    expect(await sim(request).requests()).toEqual([]);

    await page.getByRole('group', { name: 'Attributes' }).getByRole('checkbox', { name: 'tier', exact: true }).check();
    await page.getByRole('button', { name: 'Start removal' }).click();
    const clickedAt = Date.now();
    await page.getByRole('button', { name: 'Confirm removal' }).click();
    await expect(page).toHaveURL(/\/bulk\?run=\d+/);
    const runId = Number(new URL(page.url()).searchParams.get('run'));
    await expect(progress(page, runId)).toBeVisible();
    await expect(page.getByRole('heading', { name: new RegExp(`Run #${runId}.*Completed`) })).toBeVisible({ timeout: 30_000 });
    // Every user is read first; only those with a value are sent a remove_attr (the rest: nothing to remove).
    const read = await sim(request).requests('get_attr');
    expect(read.reduce((n, r) => n + r.userCount, 0)).toBe(300);
    expect(Math.min(...read.map((r) => r.at)) - clickedAt).toBeLessThan(1_000);
    expect((await sim(request).requests()).reduce((n, r) => n + r.userCount, 0)).toBeLessThanOrEqual(300);
    expect(await sim(request).user('user00300')).not.toHaveProperty('tier');
  } finally {
    await server.kill();
  }
});

test('hostile files (60 MiB without a line break, a quote never closed, 30 M commas) are each named by line within seconds, health keeps answering, nothing is sent', async ({ page, request }) => {
  await page.goto('/bulk');
  const files: [string, Buffer, string][] = [
    ['no-newline', Buffer.alloc(60 * 1024 * 1024, 'a'), 'csv.lineTooLong'],
    ['open-quote', Buffer.concat([Buffer.from('To_Account\n"'), Buffer.alloc(60 * 1024 * 1024, 'x\n')]), 'csv.badQuotes'],
    ['commas', Buffer.alloc(30_000_000, ','), 'csv.tooManyColumns'],
  ];
  let worstHealth = 0;
  const timer = setInterval(() => {
    const t = Date.now();
    void request.get('/api/health').then(() => (worstHealth = Math.max(worstHealth, Date.now() - t)), () => undefined);
  }, 250);
  try {
    for (const [name, body, code] of files) {
      const started = Date.now();
      const res = await page.request.post(`/api/uploads?appId=default&name=${name}.csv`, { data: body, headers: { 'content-type': 'text/csv' }, timeout: 60_000 });
      // No valid row: answered with the server's preview, and nothing kept.
      expect(res.status(), name).toBe(200);
      const staged = (await res.json()) as { id: number | null; users: number; invalidRows: number; issues: { line: number; code: string }[] };
      expect(staged, name).toMatchObject({ id: null, users: 0, invalidRows: 1 });
      expect(staged.issues[0]!.code, name).toBe(code);
      expect(Date.now() - started, name).toBeLessThan(30_000);
    }
  } finally {
    clearInterval(timer);
  }
  expect(worstHealth).toBeLessThan(2_000);
  expect(await sim(request).requests()).toEqual([]);
});

test('retry failed users starts a linked run of only the retryable ones', async ({ page, request }) => {
  await upload(page, '', 'user\nalice\nbob\nghost-x\n', ['plan']);
  await sim(request).configure({ faults: { http5xx: 1 } });
  const runId = await start(page);
  await expect(page.getByRole('heading', { name: new RegExp(`Run #${runId}.*Completed`) })).toBeVisible({ timeout: 60_000 });
  await sim(request).configure({ faults: { http5xx: 0 } });
  const requestsBefore = (await sim(request).requests()).length;

  await page.goto(`/history/${runId}`);
  await expect(page.getByText('3 users can be retried')).toBeVisible();
  await page.getByRole('button', { name: 'Retry failed users' }).click();
  const confirm = page.getByRole('region', { name: 'Check before sending' });
  await expect(confirm).toContainText('Send plan again for 3 users');
  await page.getByRole('button', { name: 'Back' }).click();
  await expect(confirm).toHaveCount(0);
  expect((await sim(request).requests()).length).toBe(requestsBefore);
  await page.getByRole('button', { name: 'Retry failed users' }).click();
  await page.getByRole('button', { name: 'Confirm retry' }).click();
  await expect(page).not.toHaveURL(new RegExp(`/history/${runId}$`));
  const retryId = Number(page.url().split('/').pop());
  expect(retryId).toBeGreaterThan(runId);
  await expect(page.getByRole('link', { name: `run #${runId}` })).toBeVisible();
  await expect.poll(async () => ((await (await request.get(`/api/runs/${retryId}`)).json()) as { run: { status: string } }).run.status, { timeout: 30_000 }).toBe('completed');
  await page.reload();
  await expect(page.getByRole('row').filter({ hasText: 'alice' })).toContainText('Removed');
  await expect(page.getByRole('row').filter({ hasText: 'ghost-x' })).toContainText('70107');
  expect(await sim(request).user('alice')).not.toHaveProperty('plan');

  // The retry finished with nothing left to retry: no button offers it.
  await expect(page.getByRole('button', { name: 'Retry failed users' })).toHaveCount(0);
});

test('after a start /bulk is ready for the next file: the confirm step names the attributes per group of rows, the picks survive a reload, and Back works', async ({ page, request }) => {
  // frank has no tier (sim/seed.ts), so his row has nothing to remove.
  expect(await sim(request).user('frank')).not.toHaveProperty('tier');
  await page.goto('/bulk');
  await expect(page.getByText('No file chosen yet')).toBeVisible();
  await page.getByRole('group', { name: 'Attributes' }).getByRole('checkbox', { name: 'plan', exact: true }).check();
  await page.reload();
  await expect(page.getByRole('group', { name: 'Attributes' }).getByRole('checkbox', { name: 'plan', exact: true })).toBeChecked();

  const file = page.getByLabel('CSV file');
  await file.setInputFiles({ name: 'first.csv', mimeType: 'text/csv', buffer: Buffer.from('To_Account,Attrs\nalice,\nbob,city;tier\ncarol,city\nfrank,tier\n') });
  await expect(page.getByText('Checked by the server')).toBeVisible();
  await expect(page.getByText('first.csv', { exact: true })).toBeVisible();
  await page.getByRole('button', { name: 'Start removal' }).click();
  const confirm = page.getByRole('region', { name: 'Check before sending' });
  await expect(confirm).toContainText('1 row names no attributes: the picked plan are removed.');
  await expect(confirm).toContainText('3 rows name attributes of their own, and each loses the ones it names:');
  for (const set of ['city, tier', 'city', 'tier']) await expect(confirm.getByRole('listitem').filter({ hasText: new RegExp(`^${set}: 1 row$`) })).toBeVisible();
  await page.getByRole('button', { name: 'Back' }).click();
  await page.getByRole('button', { name: 'Start removal' }).click();
  await page.getByRole('button', { name: 'Confirm removal' }).click();
  await expect(page).toHaveURL(/\/bulk\?run=\d+/);
  const runId = Number(new URL(page.url()).searchParams.get('run'));

  await expect(page.getByRole('status').filter({ hasText: `Run #${runId} started` })).toBeVisible();
  await expect(page.getByRole('link', { name: `Open run #${runId}` })).toHaveAttribute('href', `/history/${runId}`);
  await expect(progress(page, runId)).toBeVisible();
  // The live progress counts frank apart, not as removed.
  await expect(page.getByText(/^4 of 4 users \(100%\) · 3 removed · 1 with nothing to remove · 0 failed$/)).toBeVisible({ timeout: 30_000 });
  await expect(page.getByRole('heading', { name: 'Preview of first.csv' })).toHaveCount(0);
  await expect(page.getByRole('button', { name: 'Confirm removal' })).toHaveCount(0);
  await expect(file).toBeEnabled();

  await file.setInputFiles({ name: 'second.csv', mimeType: 'text/csv', buffer: Buffer.from('user\ndave\n') });
  await expect(page.getByText('Checked by the server')).toBeVisible();
  await page.getByRole('button', { name: 'Start removal' }).click();
  await page.getByRole('button', { name: 'Confirm removal' }).click();
  await expect(page).not.toHaveURL(new RegExp(`run=${runId}$`));
  const second = Number(new URL(page.url()).searchParams.get('run'));
  expect(second).toBeGreaterThan(runId);

  await file.setInputFiles({ name: 'third.csv', mimeType: 'text/csv', buffer: Buffer.from('user\nerin\n') });
  await expect(page.getByText('Checked by the server')).toBeVisible();
  await page.getByRole('button', { name: 'Check current values' }).click();
  await expect(page).toHaveURL(/\/history\/\d+$/);
  const checkId = Number(page.url().split('/').pop());
  await page.goto('/bulk');
  await expect(page.getByRole('link', { name: `Open dry run #${checkId}` })).toBeVisible();
  await expect(page.getByText(`third.csv went to dry run #${checkId}`)).toBeVisible();
});

test('hostile rows (invalid UTF-8, bidi and zero-width IDs, a long line, a wide row) are listed by line and never sent', async ({ page, request }) => {
  const lines = [
    Buffer.from('user\nuser00001\n'),
    Buffer.concat([Buffer.from('bad'), Buffer.from([0xff]), Buffer.from('id\n')]),
    Buffer.from('"\u202Eevil"\nzero\u200Bwidth\n'),
    Buffer.from(`${'a'.repeat(5000)}\n`),
    Buffer.from(`${Array.from({ length: 101 }, (_, i) => `c${i}`).join(',')}\n`),
    Buffer.from('user00002\n'),
  ];
  await page.goto('/bulk');
  await page.getByRole('group', { name: 'Attributes' }).getByRole('checkbox', { name: 'plan', exact: true }).check();
  await page.getByLabel('CSV file').setInputFiles({ name: 'hostile.csv', mimeType: 'text/csv', buffer: Buffer.concat(lines) });
  const problems = page.getByRole('table', { name: 'Invalid rows' });
  const row = (line: number) => problems.getByRole('row').filter({ has: page.getByRole('cell', { name: String(line), exact: true }) });
  await expect(row(3)).toContainText('not valid UTF-8');
  await expect(row(4)).toContainText('bidirectional control character (U+202E)');
  await expect(row(5)).toContainText('zero-width character (U+200B)');
  await expect(row(6)).toContainText('5,000 bytes long');
  await expect(row(7)).toContainText('101 columns');

  // The server's own list, as the download link streams it.
  await expect(page.getByText('Checked by the server')).toBeVisible();
  const download = page.getByRole('link', { name: 'Download the invalid rows (CSV)' });
  const served = await (await page.request.get((await download.getAttribute('href'))!)).text();
  // A byte order mark first, so Excel reads the file as UTF-8.
  expect(served.charCodeAt(0)).toBe(0xfeff);
  const listed = served.slice(1);
  expect(listed.trim().split('\n').map((l) => l.split(',')[0]!.replaceAll('"', ''))).toEqual(['line', '3', '4', '5', '6', '7']);
  expect(listed).toContain('zero-width character (U+200B)');

  const runId = await start(page);
  await expect(page.getByRole('heading', { name: new RegExp(`Run #${runId}.*Completed`) })).toBeVisible({ timeout: 30_000 });
  const accounts = async (api: string) => (await sim(request).requests(api)).flatMap((r) => r.accounts ?? []);
  expect((await accounts('get_attr')).sort()).toEqual(['user00001', 'user00002']);
  // Of those, only a user with a value for the attribute is sent a remove_attr.
  expect(['user00001', 'user00002']).toEqual(expect.arrayContaining(await accounts('remove_attr')));
});
