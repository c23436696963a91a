import { expect, test } from '@playwright/test';
import { E2E } from './support/env';

/** A slow phone: the sign-in form is there, its scripts are not (yet, or at all). */
test.use({ storageState: { cookies: [], origins: [] } });

async function signInByHand(page: import('@playwright/test').Page, password: string) {
  await page.goto('/login?next=%2Fhistory');
  await page.getByRole('textbox', { name: 'Username' }).fill(E2E.admin.username);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

test.describe('with scripts off', () => {
  test.use({ javaScriptEnabled: false });

  test('signs in and lands where it was going', async ({ page }) => {
    await signInByHand(page, E2E.admin.password);
    await expect(page).toHaveURL(/\/history$/);
    await expect(page.getByRole('note', { name: 'Where you are' })).toContainText(`SDKAppID ${E2E.sdkAppId}`);
  });

  test('a wrong password is answered with the reason, on the sign-in page, without the password in the address', async ({ page }) => {
    await signInByHand(page, 'not-the-password');
    await expect(page.getByRole('alert')).toContainText('Wrong username or password');
    expect(page.url()).not.toContain('not-the-password');
    await expect(page.getByRole('button', { name: 'Sign in' })).toBeVisible();
  });
});

test('a sign-in submitted before the page’s scripts have loaded signs in', async ({ page }) => {
  // The scripts never arrive: the form is submitted as the browser's own POST.
  await page.route('**/_next/static/**/*.js', (route) => route.abort());
  await signInByHand(page, E2E.admin.password);
  await expect(page).toHaveURL(/\/history$/);
  await page.unroute('**/_next/static/**/*.js');
  await page.reload();
  await expect(page.getByRole('button', { name: 'Sign out' })).toBeVisible();
});
