import { expect, type Page } from '@playwright/test';

/** Uploads the CSV on `base`'s /bulk, removing country, and confirms: the run's id, once its page shows it. */
export async function startCsvRun(page: Page, base: string, text: string): Promise<number> {
  await page.goto(`${base}/bulk`);
  await page.getByRole('group', { name: 'Attributes' }).getByRole('checkbox', { name: 'country', exact: true }).check();
  await page.getByLabel('CSV file').setInputFiles({ name: 'users.csv', mimeType: 'text/csv', buffer: Buffer.from(text) });
  await page.getByRole('button', { name: 'Start removal' }).click();
  await page.getByRole('button', { name: 'Confirm removal' }).click();
  await expect(page).toHaveURL(/\/bulk\?run=\d+/);
  return Number(new URL(page.url()).searchParams.get('run'));
}
