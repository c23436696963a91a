import { expect, type Page } from '@playwright/test';

export async function signIn(page: Page, base: string, username: string, password: string) {
  await page.goto(`${base}/login`);
  await page.getByRole('textbox', { name: 'Username' }).fill(username);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('button', { name: 'Sign out' })).toBeVisible();
}
