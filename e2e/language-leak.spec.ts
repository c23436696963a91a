import { expect, test, type APIRequestContext, type Page } from '@playwright/test';
import { DEMO_ATTR_NAMES } from '../sim/seed';
import { cjkLeaks, latinLeaks } from '../test-support/language-leak';
import { sessionIn } from './support/auth';
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
const FILE_NAME = 'leak.csv';
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

/**
 * A removal with one unknown user, and a dry run, started through the form in the session's
 * language: their run ids, and the text of the confirm step on the way.
 */
type FormNames = { userIds: string; attributes: string; remove: string; confirm: string; check: string };

async function runsFrom(page: Page, names: FormNames, kinds: readonly ('remove' | 'check')[] = ['remove', 'check']) {
  const ids: number[] = [];
  let confirmStep = { text: '', marked: [] as string[] };
  for (const kind of kinds) {
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

interface StepNames extends FormNames {
  csvFile: string;
  startRemoval: string;
  confirm: string;
  back: string;
  retry: string;
  confirmRetry: string;
}

/**
 * The text of the other confirm steps: /bulk's for a file whose rows take the picked attributes
 * or name sets of their own, and the retry's on the page of a removal the service failed with a
 * 5xx. Neither is confirmed.
 */
async function otherConfirmSteps(page: Page, request: APIRequestContext, names: StepNames) {
  await page.goto('/bulk');
  await page.getByRole('group', { name: names.attributes }).getByRole('checkbox', { name: 'plan', exact: true }).check();
  const csv = `To_Account,Attrs\n${USERS[0]},\n${USERS[1]},city;tier\n${USERS[2]},tier\n`;
  await page.getByLabel(names.csvFile).setInputFiles({ name: FILE_NAME, mimeType: 'text/csv', buffer: Buffer.from(csv) });
  await expect(page.getByRole('button', { name: names.startRemoval })).toBeEnabled({ timeout: 20_000 });
  await page.getByRole('button', { name: names.startRemoval }).click();
  await expect(page.getByRole('button', { name: names.confirm })).toBeVisible();
  const bulk = await visibleText(page);
  await page.getByRole('button', { name: names.back }).click();

  await sim(request).configure({ faults: { http5xx: 1 } });
  const [removalId] = (await runsFrom(page, names, ['remove'])).ids;
  await sim(request).configure({ faults: { http5xx: 0 } });
  const retry = page.getByRole('button', { name: names.retry });
  await expect(async () => {
    await page.goto(`/history/${removalId}`);
    await expect(retry).toBeVisible({ timeout: 1_000 });
  }).toPass({ timeout: 30_000 });
  await retry.click();
  await expect(page.getByRole('button', { name: names.confirmRetry })).toBeVisible();
  const retryStep = await visibleText(page);
  return [
    { where: '/bulk (confirm step)', ...bulk },
    { where: `/history/${removalId} (retry confirm step)`, ...retryStep },
  ];
}

const pages = (runs: number[]) => ['/remove', '/bulk', '/history', `/history?user=${USERS[2]}`, ...runs.map((id) => `/history/${id}`), '/operators', '/audit', '/no-such-page', '/history/999999999'];

test.beforeEach(async ({ request }) => {
  await sim(request).reset();
});

test('a page in Chinese shows no English word but names and data', async ({ browser, request }) => {
  const held = Object.values(await sim(request).users(USERS)).flatMap((attrs) => Object.values(attrs ?? {}));
  const zh = await sessionIn(browser, server.url, 'zh-CN');
  const zhForm = { userIds: '用户 ID', attributes: '属性', remove: '移除属性', confirm: '确认移除', check: '查看当前值' };
  const runs = await runsFrom(zh, zhForm);
  const data = ['default', 'e2e', E2E.admin.username, ...USERS, ...DEMO_ATTR_NAMES, ...held, ...FILE_NAME.split('.')];

  const leaks = latinLeaks(runs.confirmStep.text, [...data, ...runs.confirmStep.marked]).map((word) => `/remove (confirm step): ${word}`);
  const steps = await otherConfirmSteps(zh, request, { ...zhForm, csvFile: 'CSV 文件', startRemoval: '开始移除', back: '返回', retry: '重试失败的用户', confirmRetry: '确认重试' });
  for (const step of steps) for (const word of latinLeaks(step.text, [...data, ...step.marked])) leaks.push(`${step.where}: ${word}`);
  expect(steps[0]!.text).toContain('2 行指定了各自的属性');
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

test('a page in English shows no Chinese', async ({ browser, request }) => {
  const en = await sessionIn(browser, server.url, 'en-US');
  const enForm = { userIds: 'User IDs', attributes: 'Attributes', remove: 'Remove attributes', confirm: 'Confirm removal', check: 'Check current values' };
  const runs = await runsFrom(en, enForm);

  const leaks = cjkLeaks(runs.confirmStep.text, runs.confirmStep.marked).map((run) => `/remove (confirm step): ${run}`);
  const steps = await otherConfirmSteps(en, request, { ...enForm, csvFile: 'CSV file', startRemoval: 'Start removal', back: 'Back', retry: 'Retry failed users', confirmRetry: 'Confirm retry' });
  for (const step of steps) for (const run of cjkLeaks(step.text, step.marked)) leaks.push(`${step.where}: ${run}`);
  expect(steps[0]!.text).toContain('2 rows name attributes of their own');
  for (const path of pages(runs.ids)) {
    await en.goto(path);
    await expect(en.locator('html')).toHaveAttribute('lang', 'en');
    const { text, marked } = await visibleText(en);
    for (const run of cjkLeaks(text, marked)) leaks.push(`${path}: ${run}`);
  }
  await en.context().close();
  expect(leaks).toEqual([]);
});
