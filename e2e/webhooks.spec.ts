import { expect, test } from '@playwright/test';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SIGNATURE_HEADER, TIMESTAMP_HEADER, verify } from '../lib/webhooks/signature';

test('an admin adds a webhook; a run that ends is POSTed to it, signed, and the page shows the delivery', async ({ page }) => {
  const received: { headers: IncomingHttpHeaders; body: string }[] = [];
  const receiver = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      received.push({ headers: req.headers, body });
      res.writeHead(200).end('ok');
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
  try {
    await page.goto('/operators');
    await page.getByRole('textbox', { name: 'Webhook URL' }).fill('https://169.254.169.254/latest/meta-data');
    await page.getByRole('button', { name: 'Add webhook' }).click();
    await expect(page.getByRole('alert').filter({ hasText: 'private, loopback or link-local' })).toBeVisible();

    await page.getByRole('textbox', { name: 'Webhook URL' }).fill(url);
    await page.getByRole('button', { name: 'Add webhook' }).click();
    const secretBox = page.getByRole('status').getByRole('textbox');
    await expect(secretBox).toHaveValue(/^whsec_/);
    const secret = await secretBox.inputValue();

    await page.goto('/remove');
    await page.getByRole('textbox', { name: 'User IDs' }).fill('user00041');
    await page.getByRole('group', { name: 'Attributes' }).getByRole('checkbox', { name: 'city', exact: true }).check();
    await page.getByRole('button', { name: 'Remove attributes' }).click();
    await page.getByRole('button', { name: 'Confirm removal' }).click();
    await expect(page.getByRole('table')).toBeVisible();

    await expect.poll(() => received.length, { timeout: 15_000 }).toBeGreaterThanOrEqual(1);
    const [got] = received;
    const nowS = Date.now() / 1000;
    expect(verify(secret, { timestamp: got!.headers[TIMESTAMP_HEADER] as string, signature: got!.headers[SIGNATURE_HEADER] as string }, got!.body, nowS)).toBe(true);
    expect(verify(secret.replace(/.$/, (c) => (c === 'A' ? 'B' : 'A')), { timestamp: got!.headers[TIMESTAMP_HEADER] as string, signature: got!.headers[SIGNATURE_HEADER] as string }, got!.body, nowS)).toBe(false);
    const body = JSON.parse(got!.body) as { event: string; run: { source: string; total: number }; link: string };
    expect(body).toMatchObject({ event: 'run.completed', run: { source: 'form', total: 1 } });
    expect(body.link).toMatch(/\/history\/\d+$/);

    await page.goto('/operators');
    const row = page.getByRole('table', { name: 'Webhooks' }).getByRole('row').filter({ hasText: url });
    await expect(row).toContainText('Delivered (200)');
    await row.getByRole('button', { name: 'Remove webhook' }).click();
    await expect(page.getByRole('table', { name: 'Webhooks' }).getByRole('row').filter({ hasText: url })).toHaveCount(0);
  } finally {
    receiver.close();
  }
});
