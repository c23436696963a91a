import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Browser, type Locator, type Page } from '@playwright/test';
import { DEMO_ATTR_NAMES } from '../sim/seed';
import { addOperator } from './support/auth';
import { E2E } from './support/env';
import { sim } from './support/sim';

/**
 * The frame fits the screen: at 1280 px the header is one row and the runs table needs no sideways
 * scroll, in English and in Chinese, for an admin (who sees every nav item); on a phone the nav
 * folds behind a menu button. Each check prints what it measured.
 */
const WORDS = {
  en: {
    menu: 'Menu',
    nav: 'Main',
    history: 'History',
    remove: 'Remove attributes',
    table: 'Runs, newest first',
    where: 'Where you are',
  },
  zh: {
    menu: '菜单',
    nav: '主导航',
    history: '历史记录',
    remove: '移除属性',
    table: '任务列表（最新的在前）',
    where: '当前位置',
  },
} as const;
type Lang = keyof typeof WORDS;

/**
 * One row of header controls is at most 36 px tall (a select or the Sign out button) plus the bar's
 * 12 px padding above and below: 60 px. A second row would add at least one more line of nav text
 * (20 px) and the gap above it, so 64 px holds one row and never two.
 */
const ONE_ROW_PX = 64;

/** Unique per worker: a failed test restarts the worker, and this hook runs again. */
const ZH_ADMIN = { username: `layout-zh-${Date.now() % 1_000_000}`, password: 'layout-zh-password-1', role: 'admin' as const };
const sessions = {} as Record<Lang, Page>;
const runs = { removal: 0, check: 0, restore: 0 };

/** The admin's own session (English) and an admin of the test's own signed in from a Chinese browser. */
async function openSessions(browser: Browser) {
  const en = await (await browser.newContext({ storageState: E2E.adminState, baseURL: E2E.consoleUrl })).newPage();
  await addOperator(en, ZH_ADMIN);
  const zh = await (await browser.newContext({ locale: 'zh-CN', storageState: { cookies: [], origins: [] }, baseURL: E2E.consoleUrl })).newPage();
  await zh.goto('/login');
  await zh.getByRole('textbox', { name: '用户名' }).fill(ZH_ADMIN.username);
  await zh.getByLabel('密码').fill(ZH_ADMIN.password);
  await zh.getByRole('button', { name: '登录' }).click();
  await expect(zh).not.toHaveURL(/\/login/);
  await expect(zh.locator('html')).toHaveAttribute('lang', 'zh-CN');
  sessions.en = en;
  sessions.zh = zh;
}

/** A removal of every attribute (the longest attribute list) with one unknown user, a dry run and a restore. */
async function makeRuns(page: Page) {
  await page.goto('/remove');
  await page.getByRole('textbox', { name: 'User IDs' }).fill('alice\nbob\nghost-layout');
  for (const a of DEMO_ATTR_NAMES) await page.getByRole('group', { name: 'Attributes' }).getByRole('checkbox', { name: a, exact: true }).check();
  await page.getByRole('button', { name: 'Remove attributes' }).click();
  await page.getByRole('button', { name: 'Confirm removal' }).click();
  const result = page.getByRole('heading', { name: /Result of run #\d+/ });
  await expect(result).toBeVisible({ timeout: 30_000 });
  runs.removal = Number(/#(\d+)/.exec((await result.textContent()) ?? '')![1]);

  await page.goto('/remove');
  await page.getByRole('textbox', { name: 'User IDs' }).fill('carol\ndave\nghost-layout');
  await page.getByRole('group', { name: 'Attributes' }).getByRole('checkbox', { name: 'city', exact: true }).check();
  await page.getByRole('button', { name: 'Check current values' }).click();
  const checkLink = page.getByRole('link', { name: /^Open dry run #\d+ in history$/ });
  await expect(checkLink).toBeVisible({ timeout: 30_000 });
  runs.check = Number(/#(\d+)/.exec((await checkLink.textContent()) ?? '')![1]);

  await page.goto(`/history/${runs.removal}`);
  await page.getByRole('button', { name: 'Restore removed values' }).click();
  await page.getByRole('button', { name: 'Confirm restore' }).click();
  await expect(page).not.toHaveURL(new RegExp(`/history/${runs.removal}$`));
  runs.restore = Number(/\/history\/(\d+)/.exec(page.url())![1]);
}

test.beforeAll(async ({ browser, playwright }) => {
  test.setTimeout(120_000);
  const request = await playwright.request.newContext();
  await sim(request).reset();
  await request.dispose();
  await openSessions(browser);
  await makeRuns(sessions.en);
});

test.afterAll(async () => {
  for (const page of Object.values(sessions)) await page.context().close();
});

/** How many lines a piece of text takes on screen: the distinct tops of its line boxes. */
async function linesOf(locator: Locator): Promise<number> {
  return locator.evaluate((el) => {
    const tops = new Set<number>();
    const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      if (!node.textContent?.trim()) continue;
      const range = document.createRange();
      range.selectNodeContents(node);
      for (const r of range.getClientRects()) if (r.width > 0) tops.add(Math.round(r.top / 4));
    }
    return tops.size;
  });
}

/** The header's bar without the "Where you are" band above it. */
async function barHeight(page: Page, lang: Lang): Promise<{ header: number; note: number; bar: number }> {
  const header = (await page.getByRole('banner').boundingBox())!.height;
  const noteBox = await page.getByRole('note', { name: WORDS[lang].where }).boundingBox();
  const note = noteBox?.height ?? 0;
  return { header: Math.round(header), note: Math.round(note), bar: Math.round(header - note) };
}

const seriousAxe = async (page: Page) =>
  (await new AxeBuilder({ page }).include('header').analyze()).violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);

for (const lang of ['en', 'zh'] as const) {
  const w = WORDS[lang];

  test(`${lang}: at 1280 px the admin's header is one row, its current item marked`, async () => {
    const page = sessions[lang];
    await page.setViewportSize({ width: 1280, height: 800 });
    await page.goto('/history');
    const banner = page.getByRole('banner');
    const nav = banner.getByRole('navigation', { name: w.nav });
    await expect(nav.getByRole('link')).toHaveCount(5);

    const size = await barHeight(page, lang);
    // Every visible control of the header shares one line: the lowest top is above the highest bottom.
    const boxes = await banner.locator('a, button, select').filter({ visible: true }).evaluateAll((els) => els.map((e) => e.getBoundingClientRect()).map((r) => ({ top: r.top, bottom: r.bottom })));
    const overlap = Math.min(...boxes.map((b) => b.bottom)) - Math.max(...boxes.map((b) => b.top));
    const navLines = await Promise.all((await nav.getByRole('link').all()).map((l) => linesOf(l)));
    console.log(`[layout-fit] ${lang} 1280 header ${size.header} px (note ${size.note}, bar ${size.bar}); controls overlap ${Math.round(overlap)} px; nav lines ${navLines.join(',')}`);
    expect(overlap, 'every header control on one line').toBeGreaterThan(0);
    expect(navLines, 'no nav item wraps').toEqual([1, 1, 1, 1, 1]);
    expect(size.bar, 'header bar is one row').toBeLessThanOrEqual(ONE_ROW_PX);
    await expect(banner.getByRole('button', { name: w.menu, exact: true })).toBeHidden();

    // The current page's item, and only it.
    await expect(nav.getByRole('link', { name: w.history })).toHaveAttribute('aria-current', 'page');
    await expect(nav.locator('[aria-current]')).toHaveCount(1);
    await page.goto('/remove');
    await expect(nav.getByRole('link', { name: w.remove })).toHaveAttribute('aria-current', 'page');
    await expect(nav.getByRole('link', { name: w.history })).not.toHaveAttribute('aria-current', /.+/);
    // A run's page sits under History: the item is marked as where you are, not as the page itself.
    await page.goto(`/history/${runs.removal}`);
    await expect(nav.getByRole('link', { name: w.history })).toHaveAttribute('aria-current', 'true');

    expect(await seriousAxe(page)).toEqual([]);
  });

  test(`${lang}: on a phone the nav folds behind a menu button that opens, takes the keyboard and closes on Escape`, async () => {
    const page = sessions[lang];
    await page.setViewportSize({ width: 390, height: 844 });
    try {
      await page.goto('/history');
      const banner = page.getByRole('banner');
      const size = await barHeight(page, lang);
      console.log(`[layout-fit] ${lang} 390 header ${size.header} px (note ${size.note}, bar ${size.bar})`);
      expect(size.bar, 'the closed header is one compact row').toBeLessThanOrEqual(ONE_ROW_PX);

      const menu = banner.getByRole('button', { name: w.menu, exact: true });
      await expect(menu).toHaveAttribute('aria-expanded', 'false');
      const controls = await menu.getAttribute('aria-controls');
      expect(controls).toBeTruthy();
      const panel = page.locator(`[id="${controls}"]`);
      await expect(panel).toBeHidden();
      await expect(page.getByRole('link', { name: w.history, exact: true })).toBeHidden();

      await menu.click();
      await expect(menu).toHaveAttribute('aria-expanded', 'true');
      await expect(panel).toBeVisible();
      const history = panel.getByRole('navigation', { name: w.nav }).getByRole('link', { name: w.history });
      await expect(history).toBeVisible();
      await expect(history).toHaveAttribute('aria-current', 'page');
      expect(await new AxeBuilder({ page }).include(`[id="${controls}"]`).analyze().then((r) => r.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => v.id))).toEqual([]);

      // The keyboard goes from the button into the open panel and reaches the links.
      await menu.focus();
      let reached = false;
      for (let i = 0; i < 12 && !reached; i++) {
        await page.keyboard.press('Tab');
        expect(await panel.evaluate((p) => p.contains(document.activeElement)), `Tab ${i + 1} stays in the menu`).toBe(true);
        reached = await history.evaluate((a) => a === document.activeElement);
      }
      expect(reached, 'the History link is reached by Tab').toBe(true);

      await page.keyboard.press('Escape');
      await expect(menu).toHaveAttribute('aria-expanded', 'false');
      await expect(panel).toBeHidden();
      await expect(menu).toBeFocused();

      // Opened from the keyboard too.
      await page.keyboard.press('Enter');
      await expect(menu).toHaveAttribute('aria-expanded', 'true');
      await page.keyboard.press('Escape');
      await expect(menu).toHaveAttribute('aria-expanded', 'false');
    } finally {
      await page.setViewportSize({ width: 1280, height: 720 });
    }
  });

  test(`${lang}: the runs table fits 1280 px: no sideways scroll, no short label or number broken over lines`, async () => {
    const page = sessions[lang];
    await page.setViewportSize({ width: 1280, height: 800 });
    await page.goto('/history');
    const table = page.getByRole('table', { name: w.table });
    for (const id of Object.values(runs)) await expect(table.getByRole('link', { name: new RegExp(`#${id}$`) })).toBeVisible();

    const box = await table.evaluate((t) => {
      const frame = t.parentElement!;
      return { scrollWidth: frame.scrollWidth, clientWidth: frame.clientWidth, table: Math.round(t.getBoundingClientRect().width) };
    });
    // Every text of at most 12 characters (a label, a link, a count, a Chinese word) and every number or date stays on one line.
    const broken = await table.locator('tbody').evaluate((body) => {
      const out: string[] = [];
      const walker = document.createTreeWalker(body, NodeFilter.SHOW_TEXT);
      for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        const text = node.textContent?.trim() ?? '';
        if (!text || (text.length > 12 && !/^[\d,.:\s-]+(UTC)?$/.test(text))) continue;
        const range = document.createRange();
        range.selectNodeContents(node);
        const tops = new Set([...range.getClientRects()].filter((r) => r.width > 0).map((r) => Math.round(r.top / 4)));
        if (tops.size > 1) out.push(text);
      }
      return [...new Set(out)];
    });
    console.log(`[layout-fit] ${lang} 1280 runs table ${box.table} px in a ${box.clientWidth} px frame (scrollWidth ${box.scrollWidth}); broken: ${JSON.stringify(broken.slice(0, 8))}`);
    expect(box.scrollWidth, 'the runs table needs no sideways scroll').toBeLessThanOrEqual(box.clientWidth + 1);
    expect(broken).toEqual([]);

    // A cut attribute list keeps its full text: in a title for the eye and in the cell for screen readers.
    const removal = table.getByRole('row').filter({ has: page.getByRole('link', { name: new RegExp(`#${runs.removal}$`) }) });
    const attrs = removal.locator('[title]').filter({ hasText: 'country' });
    const full = await attrs.getAttribute('title');
    for (const a of DEMO_ATTR_NAMES) expect(full).toContain(a);
    await expect(attrs).toHaveText(full!);
  });
}

test('without script the menu still opens and closes, and the current item is marked', async ({ browser }) => {
  const context = await browser.newContext({ javaScriptEnabled: false, storageState: E2E.adminState, baseURL: E2E.consoleUrl, viewport: { width: 390, height: 844 } });
  try {
    const page = await context.newPage();
    await page.goto(`/history/${runs.removal}`);
    const menu = page.getByRole('banner').getByRole('button', { name: WORDS.en.menu, exact: true });
    const panel = page.locator(`[id="${await menu.getAttribute('aria-controls')}"]`);
    await expect(panel).toBeHidden();
    await menu.click();
    await expect(panel).toBeVisible();
    await expect(panel.getByRole('link', { name: WORDS.en.history })).toHaveAttribute('aria-current', 'true');
    await page.keyboard.press('Escape');
    await expect(panel).toBeHidden();
    await expect(menu).toBeFocused();
  } finally {
    await context.close();
  }
});
