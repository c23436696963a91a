import { expect, type Browser, type Page } from '@playwright/test';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { sealToken, SESSION_COOKIE } from '../../lib/auth/cookie';
import { E2E } from './env';

export async function signIn(page: Page, base: string, username: string, password: string) {
  await page.goto(`${base}/login`);
  await page.getByRole('textbox', { name: 'Username' }).fill(username);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('button', { name: 'Sign out' })).toBeVisible();
}

/** A new browser context that asks for `locale` first, signed in as the first admin to the console at `base`. */
export async function sessionIn(browser: Browser, base: string, locale: 'zh-CN' | 'en-US'): Promise<Page> {
  const context = await browser.newContext({ locale, storageState: { cookies: [], origins: [] }, baseURL: base });
  const page = await context.newPage();
  await page.goto('/login');
  await page.locator('#username').fill(E2E.admin.username);
  await page.locator('#password').fill(E2E.admin.password);
  await page.getByRole('button', { name: locale === 'zh-CN' ? '登录' : 'Sign in', exact: true }).click();
  await expect(page).not.toHaveURL(/\/login/);
  return page;
}

/** Through the /operators page, as the signed-in admin on `page`; `base` for a console of the test's own. */
export async function addOperator(page: Page, operator: { username: string; password: string; role: 'viewer' | 'operator' | 'admin' }, base = '') {
  await page.goto(`${base}/operators`);
  await page.getByLabel('New username').fill(operator.username);
  await page.getByLabel('Initial password').fill(operator.password);
  await page.getByLabel('Role', { exact: true }).selectOption(operator.role);
  await page.getByRole('button', { name: 'Add operator' }).click();
  await expect(page.getByRole('status')).toHaveText(`Added operator ${operator.username}.`);
}

/** A cookie whose signature checks out but whose session the database never had: the proxy cannot tell. */
export function unknownSessionCookie(): string {
  return `${SESSION_COOKIE}=${sealToken(randomBytes(32).toString('base64url'), E2E.sessionSecret)}`;
}

/** The real sign-in action's id, which changes with every build. */
export function signInActionId(): string {
  const manifest = JSON.parse(readFileSync('.next/server/server-reference-manifest.json', 'utf8')) as { node: Record<string, { exportedName: string }> };
  const entry = Object.entries(manifest.node).find(([, a]) => a.exportedName === 'signInAction');
  if (!entry) throw new Error('signInAction is not in the server reference manifest');
  return entry[0];
}

const HTML_ENTITIES: Record<string, string> = { '&quot;': '"', '&amp;': '&', '&lt;': '<', '&gt;': '>', '&#x27;': "'", '&#39;': "'" };

/** The sign-in form as a browser posts it before its scripts run: the page's hidden fields, then the credentials. */
export async function signInFormBody(base: string, username: string, password: string): Promise<FormData> {
  const html = await (await fetch(`${base}/login`)).text();
  const form = new FormData();
  for (const [, name, value] of html.matchAll(/<input type="hidden" name="([^"]+)"(?: value="([^"]*)")?\/?>/g)) {
    form.set(name!.replace(/&[#\w]+;/g, (e) => HTML_ENTITIES[e] ?? e), (value ?? '').replace(/&[#\w]+;/g, (e) => HTML_ENTITIES[e] ?? e));
  }
  form.set('username', username);
  form.set('password', password);
  return form;
}
