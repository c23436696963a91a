import { expect, test, type Page } from '@playwright/test';
import { execFile } from 'node:child_process';
import { E2E } from './support/env';

/** The command-line tool as a script runs it: its own process, the API over HTTP, env for the address and token. */
function cli(args: string[], env: Record<string, string>): Promise<{ code: number; out: string; err: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['bin/tim-console.mjs', ...args], { env: { ...process.env, ...env }, timeout: 60_000 }, (error, out, err) => {
      resolve({ code: error ? Number(error.code ?? 1) : 0, out, err });
    });
  });
}

async function createToken(page: Page, name: string): Promise<string> {
  await page.goto('/operators');
  await page.getByRole('textbox', { name: 'Token name' }).fill(name);
  await page.getByRole('combobox', { name: 'Token role' }).selectOption('operator');
  await page.getByRole('button', { name: 'Create token' }).click();
  const shown = page.getByRole('status').getByRole('textbox');
  await expect(shown).toHaveValue(/^timc_/);
  return shown.inputValue();
}

test('tim-console removes, reads, exports and restores through the API, with the exit codes SPEC names', async ({ page }) => {
  const env = { TIM_CONSOLE_URL: E2E.consoleUrl, TIM_CONSOLE_TOKEN: await createToken(page, `e2e cli ${Date.now()}`) };

  const apps = await cli(['apps', '--json'], env);
  expect(apps.code).toBe(0);
  expect(JSON.parse(apps.out)).toMatchObject({ apps: [{ sdkAppId: E2E.sdkAppId }] });

  const removed = await cli(['remove', '--app', 'default', '--attrs', 'city', 'user00031', 'user00032', '--json'], env);
  expect(removed.code, removed.err).toBe(0);
  const run = (JSON.parse(removed.out) as { run: { id: number; status: string; total: number } }).run;
  expect(run).toMatchObject({ status: 'completed', total: 2 });

  const status = await cli(['status', String(run.id)], env);
  expect(status).toMatchObject({ code: 0 });
  expect(status.out).toContain(`run ${run.id} (remove, default): completed, 2 users`);

  const users = await cli(['users', String(run.id)], env);
  expect(users.out.trim().split('\n').map((l) => l.split('\t')[0])).toEqual(['user00031', 'user00032']);

  const exported = await cli(['export', String(run.id), '--format', 'ndjson'], env);
  expect(exported.out.trim().split('\n').map((l) => (JSON.parse(l) as { user: string }).user)).toEqual(['user00031', 'user00032']);

  const restored = await cli(['restore', String(run.id), '--wait'], env);
  expect(restored.code, restored.err).toBe(0);
  expect(restored.out).toMatch(/\(restore, default\): completed/);
  expect(restored.err).toMatch(/^\d+\/\d+ users \(\d+%\)/m);

  const unknown = await cli(['status', '987654'], env);
  expect(unknown.code).toBe(2);
  expect(unknown.err).toContain('(run.notFound)');
  expect((await cli(['remove', 'user00033'], env)).code).toBe(2);
  expect((await cli(['apps'], { ...env, TIM_CONSOLE_TOKEN: 'timc_nothing.valid' })).err).toContain('(api.tokenInvalid)');
});
