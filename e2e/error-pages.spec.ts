import { expect, test, type Page } from '@playwright/test';
// eslint-disable-next-line no-restricted-imports -- this test ruins the database from outside the console, as a bad disk or a bad migration would; no store method should offer that
import Database from 'better-sqlite3';
import { sessionIn } from './support/auth';
import { ConsoleProcess } from './support/console-process';

/**
 * The pages a reader sees when the console itself fails, broken the way a real failure would
 * break it: rows the code cannot read, then a table gone. The console and its database are the
 * test's own, since both are ruined on purpose.
 */
const DB = '.e2e-data/errors.db';
const server = new ConsoleProcess(3336, DB);

test.beforeAll(async () => {
  await server.start();
});

test.afterAll(async () => {
  await server.kill();
});

function tamper(sql: string) {
  const db = new Database(DB);
  try {
    db.pragma('busy_timeout = 5000');
    db.exec(sql);
  } finally {
    db.close();
  }
}

async function dryRun(page: Page): Promise<number> {
  await page.goto('/remove');
  await page.getByRole('textbox', { name: 'User IDs' }).fill('alice\nbob');
  await page.getByRole('group', { name: 'Attributes' }).getByRole('checkbox', { name: 'city', exact: true }).check();
  await page.getByRole('button', { name: 'Check current values' }).click();
  const link = page.locator('a[href^="/history/"]').first();
  await expect(link).toBeVisible({ timeout: 20_000 });
  return Number(/\/history\/(\d+)/.exec((await link.getAttribute('href'))!)![1]);
}

test('a page that fails inside the frame, then a frame that fails, each say so in the reader\'s language', async ({ browser }) => {
  const en = await sessionIn(browser, server.url, 'en-US');
  const zh = await sessionIn(browser, server.url, 'zh-CN');
  const runId = await dryRun(en);

  tamper(`UPDATE runs SET attrs = 'not json' WHERE id = ${runId}`);
  for (const [page, words] of [
    [en, { heading: 'Something went wrong', retry: 'Try again', lang: 'en' }],
    [zh, { heading: '出错了', retry: '重试', lang: 'zh-CN' }],
  ] as const) {
    await page.goto(`/history/${runId}`);
    await expect(page.getByRole('alert').getByRole('heading', { name: words.heading })).toBeVisible();
    await expect(page.getByRole('button', { name: words.retry })).toBeVisible();
    await expect(page.locator('html')).toHaveAttribute('lang', words.lang);
    // Inside the frame: the header and its navigation are still there.
    await expect(page.getByRole('banner')).toBeVisible();
    await expect(page.getByText('not json')).toHaveCount(0);
  }

  tamper('ALTER TABLE sessions RENAME TO sessions_gone');
  for (const [page, words] of [
    [en, { heading: 'Something went wrong', toHistory: 'Go to history', lang: 'en' }],
    [zh, { heading: '出错了', toHistory: '前往历史记录', lang: 'zh-CN' }],
  ] as const) {
    await page.goto('/history');
    await expect(page.getByRole('alert').getByRole('heading', { name: words.heading })).toBeVisible();
    await expect(page.getByRole('link', { name: words.toHistory })).toHaveAttribute('href', '/history');
    await expect(page.locator('html')).toHaveAttribute('lang', words.lang);
    // The frame itself failed: no header, no navigation, no sign of the missing table.
    await expect(page.getByRole('banner')).toHaveCount(0);
    await expect(page.getByText('sessions')).toHaveCount(0);
  }
});
