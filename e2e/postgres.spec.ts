import { expect, test, type Page } from '@playwright/test';
import { signIn } from './support/auth';
import { ConsoleProcess } from './support/console-process';
import { parseExport, plantedCsv } from './support/csv';
import { E2E } from './support/env';
import { e2ePostgres, type E2EPostgres } from './support/postgres';
import { startCsvRun } from './support/runs';
import { sim } from './support/sim';

// Two full console servers (Next.js, the worker, the leases) on one Postgres database, as behind a
// load balancer: what the store tests and the child-process test cannot show, the pages.
test.use({ storageState: { cookies: [], origins: [] } });

let postgres: E2EPostgres;
test.beforeAll(async () => {
  postgres = await e2ePostgres();
});
test.afterAll(() => postgres?.stop());
test.beforeEach(async ({ request }) => {
  await sim(request).reset();
  await sim(request).configure({ latencyMs: 200 });
});

/** A slow budget keeps a 2,500-user run going for several seconds: time to look, cancel and kill. */
async function twoConsoles(database: string): Promise<[ConsoleProcess, ConsoleProcess]> {
  const url = await postgres.createDatabase(database);
  const env = { DATABASE_URL: url, TIM_MAX_QPS: '3' };
  const consoles: [ConsoleProcess, ConsoleProcess] = [new ConsoleProcess(3321, `.e2e-data/${database}-1.db`, env), new ConsoleProcess(3322, `.e2e-data/${database}-2.db`, env)];
  await Promise.all(consoles.map((c) => c.start()));
  return consoles;
}

const sender = (page: Page) => page.getByRole('status', { name: 'Sending process' });

/** Which of the two sends for the app: the one whose run page says "this console process". */
async function sendingOf(page: Page, consoles: ConsoleProcess[], runId: number): Promise<{ owner: ConsoleProcess; other: ConsoleProcess }> {
  let owner: ConsoleProcess | undefined;
  await expect(async () => {
    for (const c of consoles) {
      await page.goto(`${c.url}/history/${runId}`);
      if ((await sender(page).textContent())?.includes('sent by this console process')) owner = c;
    }
    expect(owner).toBeDefined();
  }).toPass({ timeout: 15_000 });
  return { owner: owner!, other: consoles.find((c) => c !== owner)! };
}

/** Two consoles on a new database, signed in; a run of the planted CSV started on `startOn`; then `body`, and both consoles killed whatever happens. */
async function aRunOnTwoConsoles(
  page: Page,
  database: string,
  startOn: 0 | 1,
  body: (run: { runId: number; csv: ReturnType<typeof plantedCsv>; owner: ConsoleProcess; other: ConsoleProcess }) => Promise<void>,
): Promise<void> {
  const consoles = await twoConsoles(database);
  try {
    await signIn(page, consoles[0].url, E2E.admin.username, E2E.admin.password);
    const csv = plantedCsv();
    const runId = await startCsvRun(page, consoles[startOn].url, csv.text);
    await body({ runId, csv, ...(await sendingOf(page, consoles, runId)) });
  } finally {
    await Promise.all(consoles.map((c) => c.kill()));
  }
}

async function exported(page: Page, base: string, runId: number) {
  return parseExport(await (await page.request.get(`${base}/history/${runId}/export`)).text());
}

test('either process names the one that sends, and a cancel from the other stops it: the rest is "not sent", each user once', async ({ page, request }) => {
  test.setTimeout(120_000);
  await aRunOnTwoConsoles(page, 'e2e_cancel', 1, async ({ runId, owner, other }) => {
    await page.goto(`${owner.url}/history/${runId}`);
    await expect(sender(page)).toContainText(`sent by this console process, ${owner.pid} on`);
    await page.goto(`${other.url}/history/${runId}`);
    await expect(sender(page)).toContainText(`sent by console process ${owner.pid} on`);

    await page.goto(`${other.url}/bulk?run=${runId}`);
    await page.getByRole('button', { name: 'Cancel' }).click();
    await expect(page.getByRole('heading', { name: new RegExp(`Run #${runId}.*Cancelled`) })).toBeVisible({ timeout: 30_000 });
    await page.goto(`${owner.url}/bulk?run=${runId}`);
    await expect(page.getByRole('heading', { name: new RegExp(`Run #${runId}.*Cancelled`) })).toBeVisible();

    const rows = await exported(page, owner.url, runId);
    expect(rows.filter((r) => r.result === 'Pending')).toHaveLength(0);
    const notSent = rows.filter((r) => r.result === 'Not sent');
    expect(notSent.length).toBeGreaterThan(0);
    const sent = (await sim(request).requests()).flatMap((r) => r.accounts ?? []);
    expect(sent.length).toBe(new Set(sent).size);
    for (const row of notSent.slice(0, 20)) expect(sent).not.toContain(row.user);
  });
});

test('a process killed mid-run: the other takes its app over within 30 s and finishes the run, every user with one outcome', async ({ page, request }) => {
  test.setTimeout(150_000);
  await aRunOnTwoConsoles(page, 'e2e_takeover', 0, async ({ runId, csv, owner, other }) => {
    await expect.poll(async () => (await sim(request).requests()).length, { timeout: 20_000 }).toBeGreaterThan(2);

    const killedPid = owner.pid;
    await owner.kill();
    const killedAt = Date.now();
    const sentAtKill = (await sim(request).requests()).length;
    expect(sentAtKill).toBeLessThan(Math.ceil(csv.validUsers.length / 100));
    await expect(async () => {
      await page.goto(`${other.url}/history/${runId}`);
      await expect(page.getByRole('heading', { name: new RegExp(`Run #${runId}.*Completed`) }).or(sender(page).filter({ hasText: 'sent by this console process' }))).toBeVisible();
    }).toPass({ timeout: 30_000 });
    expect(Date.now() - killedAt).toBeLessThan(30_000);
    await expect(page.getByText(`process ${killedPid} on`)).toHaveCount(0);

    await page.goto(`${other.url}/bulk?run=${runId}`);
    await expect(page.getByRole('heading', { name: new RegExp(`Run #${runId}.*Completed`) })).toBeVisible({ timeout: 90_000 });
    const rows = await exported(page, other.url, runId);
    expect(rows).toHaveLength(csv.validUsers.length);
    expect(rows.filter((r) => r.result === 'Pending' || r.result === 'Not sent')).toHaveLength(0);
    const calls = await sim(request).requests();
    expect(calls.length).toBeGreaterThan(sentAtKill);
    const sent = calls.flatMap((r) => r.accounts ?? []);
    // Only what was in flight at the kill may go twice: at most one batch per lane.
    expect(sent.length - new Set(sent).size).toBeLessThanOrEqual(16 * 100);
    expect(new Set(sent).size).toBe(csv.validUsers.length - csv.unknownUsers.length);
  });
});
