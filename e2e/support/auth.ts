import { expect, type Page } from '@playwright/test';

export async function signIn(page: Page, base: string, username: string, password: string) {
  await page.goto(`${base}/login`);
  await page.getByRole('textbox', { name: 'Username' }).fill(username);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('button', { name: 'Sign out' })).toBeVisible();
}

/** Through the /operators page, as the signed-in admin on `page`; `base` for a console of the test's own. */
export async function addOperator(page: Page, operator: { username: string; password: string; role: 'viewer' | 'operator' | 'admin' }, base = '') {
  await page.goto(`${base}/operators`);
  await page.getByLabel('New username').fill(operator.username);
  await page.getByLabel('Initial password').fill(operator.password);
  await page.getByLabel('Role', { exact: true }).selectOption(operator.role);
  await page.getByRole('button', { name: 'Add operator' }).click();
  await expect(page.getByRole('status')).toContainText(`add ${operator.username}`);
}
