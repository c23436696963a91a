import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Browser, type BrowserContext, type Page } from '@playwright/test';
import { addOperator } from './support/auth';
import { parseExport } from './support/csv';
import { E2E } from './support/env';
import { sim } from './support/sim';

test.beforeEach(async ({ request }) => {
  await sim(request).reset();
});

const CJK = /[\u4e00-\u9fff]/;
const PASSWORD = 'zh-operator-password-1';

/** An operator of the test's own, so its stored language never reaches the tests that read English. */
async function operatorIn(page: Page, name: string): Promise<string> {
  const username = `${name}-${Date.now()}`;
  await addOperator(page, { username, password: PASSWORD, role: 'operator' });
  return username;
}

/** A browser that asks for Chinese first, signed in with the Chinese names only. */
async function chineseSession(browser: Browser, username: string): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ locale: 'zh-CN', storageState: { cookies: [], origins: [] }, baseURL: E2E.consoleUrl });
  const page = await context.newPage();
  await page.goto('/login');
  await expect(page.locator('html')).toHaveAttribute('lang', 'zh-CN');
  await page.getByRole('textbox', { name: '用户名' }).fill(username);
  await page.getByLabel('密码').fill(PASSWORD);
  await page.getByRole('button', { name: '登录' }).click();
  await expect(page.getByRole('combobox', { name: '语言' })).toBeVisible();
  await expect(page).not.toHaveURL(/\/login/);
  return { context, page };
}

const row = (page: Page, user: string) => page.getByRole('row').filter({ has: page.getByRole('cell', { name: user, exact: true }) });

test('in Chinese: sign in, remove through the form with a 70107 explained, upload a CSV, watch it finish, restore it', async ({ page, browser, request }) => {
  const { context, page: zh } = await chineseSession(browser, await operatorIn(page, 'zh-flow'));
  try {
    const before = await sim(request).users(['alice', 'bob']);
    await zh.goto('/remove');
    // Validation in the browser speaks Chinese too: nothing typed, nothing picked.
    await zh.getByRole('button', { name: '移除属性' }).click();
    await expect(zh.locator('#userIds-error')).toHaveText(CJK);
    await expect(zh.getByRole('button', { name: '确认移除' })).toHaveCount(0);
    await zh.getByRole('textbox', { name: '用户 ID' }).fill('alice\nbob\nnobody-zh');
    await zh.getByRole('group', { name: '属性' }).getByRole('checkbox', { name: 'city', exact: true }).check();
    await zh.getByRole('button', { name: '移除属性' }).click();
    await zh.getByRole('button', { name: '确认移除' }).click();
    const results = zh.getByRole('table').filter({ has: zh.getByRole('columnheader', { name: '说明' }) }).first();
    await expect(results.getByRole('columnheader')).toHaveText(['用户', '结果', '错误码', '说明', '移除前']);
    await expect(row(zh, 'alice').getByRole('cell').nth(1)).toHaveText(/^已移除/);
    await expect(row(zh, 'nobody-zh').getByRole('cell').nth(1)).toHaveText(/^失败/);
    await expect(row(zh, 'nobody-zh').getByRole('cell').nth(2)).toHaveText('70107');
    await expect(row(zh, 'nobody-zh').getByRole('cell').nth(3)).toContainText('账号');
    for (const cell of await results.getByRole('row').locator('td:nth-child(4)').allTextContents()) expect(cell).toMatch(CJK);
    expect(await sim(request).user('alice')).not.toHaveProperty('city');

    const ids = Array.from({ length: 300 }, (_, i) => `user${String(i + 1).padStart(5, '0')}`);
    const csvBefore = await sim(request).users(ids);
    await zh.goto('/bulk');
    await zh.getByRole('group', { name: '属性' }).getByRole('checkbox', { name: 'tier', exact: true }).check();
    await zh.getByLabel('CSV 文件').setInputFiles({ name: 'zh.csv', mimeType: 'text/csv', buffer: Buffer.from(`${ids.join('\n')}\n`) });
    await zh.getByRole('button', { name: '开始移除' }).click();
    await zh.getByRole('button', { name: '确认移除' }).click();
    await expect(zh).toHaveURL(/\/bulk\?run=\d+/);
    const runId = Number(new URL(zh.url()).searchParams.get('run'));
    await expect(zh.getByRole('progressbar')).toBeVisible();
    await zh.goto(`/history/${runId}`);
    await expect(zh.getByRole('heading', { level: 1 })).toContainText(`#${runId}`);
    await expect(zh.locator('dt').filter({ hasText: '状态' }).locator('+ dd')).toHaveText('已完成', { timeout: 60_000 });
    for (const u of ids) expect((await sim(request).user(u))?.tier, u).toBeUndefined();

    await zh.getByRole('button', { name: '恢复已移除的值' }).click();
    await zh.getByRole('button', { name: '确认恢复' }).click();
    await expect(zh).not.toHaveURL(new RegExp(`/history/${runId}$`));
    await expect(zh.locator('dt').filter({ hasText: '状态' }).locator('+ dd')).toHaveText('已完成', { timeout: 60_000 });
    await expect(row(zh, 'user00001').getByRole('cell').nth(1)).toHaveText(/^已恢复/);
    expect(await sim(request).users(ids)).toEqual(csvBefore);
    expect(before.alice).toHaveProperty('city');
  } finally {
    await context.close();
  }
});

test('switching the language on a run page keeps the run, and the choice is remembered for the operator', async ({ page, browser }) => {
  const username = await operatorIn(page, 'zh-switch');
  const { context, page: zh } = await chineseSession(browser, username);
  try {
    await zh.goto('/remove');
    await zh.getByRole('textbox', { name: '用户 ID' }).fill('carol');
    await zh.getByRole('group', { name: '属性' }).getByRole('checkbox', { name: 'sex', exact: true }).check();
    await zh.getByRole('button', { name: '移除属性' }).click();
    await zh.getByRole('button', { name: '确认移除' }).click();
    await expect(row(zh, 'carol')).toBeVisible({ timeout: 30_000 });
    await zh.locator('main a[href^="/history/"]').last().click();
    await expect(zh).toHaveURL(/\/history\/\d+$/);
    const url = zh.url();

    await zh.getByRole('combobox', { name: '语言' }).selectOption('en');
    await expect(zh.getByRole('combobox', { name: 'Language' })).toBeVisible();
    await expect(zh.locator('html')).toHaveAttribute('lang', 'en');
    expect(zh.url()).toBe(url);
    await expect(row(zh, 'carol').getByRole('cell').nth(1)).toHaveText(/^Removed/);
    await zh.getByRole('combobox', { name: 'Language' }).selectOption('zh');
    await expect(zh.getByRole('combobox', { name: '语言' })).toBeVisible();
    await expect(row(zh, 'carol').getByRole('cell').nth(1)).toHaveText(/^已移除/);
  } finally {
    await context.close();
  }

  // A browser that asks for English still gets the operator's Chinese once signed in.
  const other = await browser.newContext({ locale: 'en-US', storageState: { cookies: [], origins: [] }, baseURL: E2E.consoleUrl });
  const en = await other.newPage();
  await en.goto('/login');
  await expect(en.getByRole('button', { name: 'Sign in' })).toBeVisible();
  await en.getByRole('textbox', { name: 'Username' }).fill(username);
  await en.getByLabel('Password').fill(PASSWORD);
  await en.getByRole('button', { name: 'Sign in' }).click();
  await expect(en.getByRole('combobox', { name: '语言' })).toBeVisible();
  // What the form holds survives the switch: the page re-renders in place.
  await en.goto('/remove');
  await en.getByRole('textbox', { name: '用户 ID' }).fill('keep-me\nand-me');
  await en.getByRole('group', { name: '属性' }).getByRole('checkbox', { name: 'city', exact: true }).check();
  await en.getByRole('combobox', { name: '语言' }).selectOption('en');
  await expect(en.getByRole('textbox', { name: 'User IDs' })).toHaveValue('keep-me\nand-me');
  await expect(en.getByRole('group', { name: 'Attributes' }).getByRole('checkbox', { name: 'city', exact: true })).toBeChecked();
  await other.close();
});

test('the export is the same in both languages but for the explanation column', async ({ page, browser }) => {
  const { context, page: zh } = await chineseSession(browser, await operatorIn(page, 'zh-export'));
  try {
    await zh.goto('/remove');
    await zh.getByRole('textbox', { name: '用户 ID' }).fill('dave\nghost-zh');
    await zh.getByRole('group', { name: '属性' }).getByRole('checkbox', { name: 'sex', exact: true }).check();
    await zh.getByRole('button', { name: '移除属性' }).click();
    await zh.getByRole('button', { name: '确认移除' }).click();
    await expect(row(zh, 'dave')).toBeVisible({ timeout: 30_000 });
    const runId = Number(/\/history\/(\d+)/.exec((await zh.locator('main a[href^="/history/"]').last().getAttribute('href')) ?? '')?.[1]);
    const chinese = parseExport(await (await zh.request.get(`/history/${runId}/export`, { headers: { 'accept-language': 'zh-CN' } })).text());
    const english = parseExport(await (await page.request.get(`/history/${runId}/export`, { headers: { 'accept-language': 'en' } })).text());
    const withoutExplanation = (rows: Record<string, string>[]) => rows.map((r) => Object.fromEntries(Object.entries(r).filter(([k]) => k !== 'explanation')));
    expect(withoutExplanation(chinese)).toEqual(withoutExplanation(english));
    expect(Object.keys(chinese[0]!)).toEqual(Object.keys(english[0]!));
    for (const r of chinese) expect(r.explanation).toMatch(CJK);
    for (const r of english) expect(r.explanation).not.toMatch(CJK);
  } finally {
    await context.close();
  }
});

test('no serious accessibility violation, and no page wider than the screen, in either language at 1280 and 390 px', async ({ page, browser }) => {
  test.setTimeout(120_000);
  await page.goto('/remove');
  await page.getByRole('textbox', { name: 'User IDs' }).fill('erin');
  await page.getByRole('group', { name: 'Attributes' }).getByRole('checkbox', { name: 'sex', exact: true }).check();
  await page.getByRole('button', { name: 'Remove attributes' }).click();
  await page.getByRole('button', { name: 'Confirm removal' }).click();
  await expect(page.getByRole('heading', { name: /Result of run #\d+/ })).toBeVisible({ timeout: 30_000 });
  const runId = Number(/#(\d+)/.exec((await page.getByRole('heading', { name: /Result of run #\d+/ }).textContent()) ?? '')?.[1]);

  const zhUser = await operatorIn(page, 'zh-layout');
  const sessions = [
    { name: 'en', context: page.context(), page },
    { name: 'zh', ...(await chineseSession(browser, zhUser)) },
  ];
  try {
    for (const s of sessions) {
      for (const width of [1280, 390]) {
        await s.page.setViewportSize({ width, height: 900 });
        for (const path of ['/remove', '/bulk', '/history', `/history/${runId}`]) {
          await s.page.goto(path);
          const overflow = await s.page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
          expect(overflow, `${s.name} ${path} at ${width} px`).toBeLessThanOrEqual(1);
          if (width === 1280) {
            const { violations } = await new AxeBuilder({ page: s.page }).analyze();
            const serious = violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
            expect(serious, `${s.name} ${path}`).toEqual([]);
          }
        }
      }
    }
  } finally {
    await sessions[1]!.context.close();
    await page.setViewportSize({ width: 1280, height: 720 });
  }
});
