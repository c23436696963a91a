import { expect, test, type Browser, type Page } from '@playwright/test';
import { DEMO_ATTR_NAMES } from '../sim/seed';
import { cjkLeaks, latinLeaks } from '../test-support/language-leak';
import { ConsoleProcess } from './support/console-process';
import { E2E } from './support/env';
import { sim } from './support/sim';

/**
 * Every page, read as a person reads it (document.body.innerText and the title), holds no word
 * of the other language. Besides the names test-support/language-leak.ts allows in Chinese, the
 * only Latin words a Chinese page may show are data: the app's label and env label, the seeded
 * attribute names and the values the users held, the user IDs and operator names this test made,
 * and what the page itself marks as not its language: commands in <code>, and elements with a
 * `lang` of their own (the Language control's 中文 and English, the service's own words).
 * The console is the test's own, so no other test's operators, files or runs show up in it.
 */
const USERS = ['alice', 'bob', 'nobody-leak'];
const server = new ConsoleProcess(3341, '.e2e-data/language-leak.db');

test.beforeAll(async () => {
  await server.start();
});

test.afterAll(async () => {
  await server.kill();
});

async function visibleText(page: Page): Promise<{ text: string; marked: string[] }> {
  return page.evaluate(() => ({
    text: `${document.title}\n${document.body.innerText}`,
    marked: [...document.querySelectorAll<HTMLElement>('body code, body [lang]')].map((e) => e.innerText),
  }));
}

/** Signed in as the first admin in a browser that asks for `locale` first. */
async function sessionIn(browser: Browser, locale: 'zh-CN' | 'en-US'): Promise<Page> {
  const context = await browser.newContext({ locale, storageState: { cookies: [], origins: [] }, baseURL: server.url });
  const page = await context.newPage();
  await page.goto('/login');
  await page.locator('#username').fill(E2E.admin.username);
  await page.locator('#password').fill(E2E.admin.password);
  await page.getByRole('button', { name: locale === 'zh-CN' ? '登录' : 'Sign in', exact: true }).click();
  await expect(page).not.toHaveURL(/\/login/);
  return page;
}

/**
 * A removal with one unknown user, and a dry run, started through the form in the session's
 * language: their run ids, and the text of the confirm step on the way.
 */
async function runsFrom(page: Page, names: { userIds: string; attributes: string; remove: string; confirm: string; check: string }) {
  const ids: number[] = [];
  let confirmStep = { text: '', marked: [] as string[] };
  for (const kind of ['remove', 'check'] as const) {
    await page.goto('/remove');
    await page.getByRole('textbox', { name: names.userIds }).fill(USERS.join('\n'));
    await page.getByRole('group', { name: names.attributes }).getByRole('checkbox', { name: 'city', exact: true }).check();
    if (kind === 'remove') {
      await page.getByRole('button', { name: names.remove }).click();
      await expect(page.getByRole('button', { name: names.confirm })).toBeVisible();
      confirmStep = await visibleText(page);
      await page.getByRole('button', { name: names.confirm }).click();
    } else {
      await page.getByRole('button', { name: names.check }).click();
    }
    const link = page.locator('a[href^="/history/"]').first();
    await expect(link).toBeVisible({ timeout: 20_000 });
    ids.push(Number(/\/history\/(\d+)/.exec((await link.getAttribute('href'))!)![1]));
  }
  return { ids, confirmStep };
}

const pages = (runs: number[]) => ['/remove', '/bulk', '/history', `/history?user=${USERS[2]}`, ...runs.map((id) => `/history/${id}`), '/operators', '/audit', '/no-such-page', '/history/999999999'];

test.beforeEach(async ({ request }) => {
  await sim(request).reset();
});

test('a page in Chinese shows no English word but names and data', async ({ browser, request }) => {
  const held = Object.values(await sim(request).users(USERS)).flatMap((attrs) => Object.values(attrs ?? {}));
  const zh = await sessionIn(browser, 'zh-CN');
  const runs = await runsFrom(zh, { userIds: '用户 ID', attributes: '属性', remove: '移除属性', confirm: '确认移除', check: '查看当前值' });
  const data = ['default', 'e2e', E2E.admin.username, ...USERS, ...DEMO_ATTR_NAMES, ...held];

  const leaks = latinLeaks(runs.confirmStep.text, [...data, ...runs.confirmStep.marked]).map((word) => `/remove (confirm step): ${word}`);
  for (const path of pages(runs.ids)) {
    await zh.goto(path);
    await expect(zh.locator('html')).toHaveAttribute('lang', 'zh-CN');
    const { text, marked } = await visibleText(zh);
    for (const word of latinLeaks(text, [...data, ...marked])) leaks.push(`${path}: ${word}`);
  }
  await zh.context().clearCookies();
  await zh.goto('/login');
  const login = await visibleText(zh);
  for (const word of latinLeaks(login.text, login.marked)) leaks.push(`/login: ${word}`);
  await zh.context().close();
  expect(leaks).toEqual([]);
});

test('a page in English shows no Chinese', async ({ browser }) => {
  const en = await sessionIn(browser, 'en-US');
  const runs = await runsFrom(en, { userIds: 'User IDs', attributes: 'Attributes', remove: 'Remove attributes', confirm: 'Confirm removal', check: 'Check current values' });

  const leaks = cjkLeaks(runs.confirmStep.text, runs.confirmStep.marked).map((run) => `/remove (confirm step): ${run}`);
  for (const path of pages(runs.ids)) {
    await en.goto(path);
    await expect(en.locator('html')).toHaveAttribute('lang', 'en');
    const { text, marked } = await visibleText(en);
    for (const run of cjkLeaks(text, marked)) leaks.push(`${path}: ${run}`);
  }
  await en.context().close();
  expect(leaks).toEqual([]);
});
