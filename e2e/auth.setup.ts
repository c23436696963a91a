import { test as setup } from '@playwright/test';
import { signIn } from './support/auth';
import { E2E } from './support/env';

setup('sign in as the first admin', async ({ page }) => {
  await signIn(page, E2E.consoleUrl, E2E.admin.username, E2E.admin.password);
  await page.context().storageState({ path: E2E.adminState });
});
