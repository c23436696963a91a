import { expect, test, type Page } from '@playwright/test';
import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { plantedCsv } from './support/csv';
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

test('tim-console upload FILE --wait stages a 2,500-row CSV through the API, shows its preview, runs it and exits 1 for the users that failed', async ({ page }) => {
  const env = { TIM_CONSOLE_URL: E2E.consoleUrl, TIM_CONSOLE_TOKEN: await createToken(page, `e2e upload ${Date.now()}`) };
  const planted = plantedCsv();
  const file = join(mkdtempSync(join(tmpdir(), 'cli-upload-')), 'segment.csv');
  writeFileSync(file, planted.text);

  const done = await cli(['upload', file, '--app', 'default', '--attrs', 'city', '--wait', '--json'], env);
  expect(done.err).toMatch(/segment\.csv: 2500 rows read, \d+ users, 1 repeated rows merged, 3 invalid rows \(first: line 101\)/);
  expect(done.err).toMatch(/^\d+\/\d+ bytes \(\d+%\)/m);
  expect(done.err).toMatch(/^\d+\/\d+ users \(\d+%\)/m);
  const { run } = JSON.parse(done.out) as { run: { id: number; status: string; total: number; failed: number; source: string } };
  expect(run).toMatchObject({ status: 'completed', source: 'csv', total: planted.validUsers.length, failed: planted.unknownUsers.length });
  expect(done.code).toBe(1);

  const failed = await cli(['users', String(run.id), '--result', 'failed'], env);
  expect(failed.out.trim().split('\n').map((l) => l.split('\t')[0]).sort()).toEqual([...planted.unknownUsers].sort());
  expect(failed.out).toContain('70107');

  const exported = await cli(['export', String(run.id)], env);
  expect(exported.code).toBe(0);
  const lines = exported.out.replace(/\r\n$/, '').split('\r\n');
  expect(lines[0]).toBe('\uFEFF"user","attributes","result","code","explanation","server_info","before"');
  expect(lines).toHaveLength(planted.validUsers.length + 1);

  const restored = await cli(['restore', String(run.id), '--wait', '--json'], env);
  expect(restored.code, restored.err).toBe(0);
  expect((JSON.parse(restored.out) as { run: { kind: string; status: string; failed: number } }).run).toMatchObject({ kind: 'restore', status: 'completed', failed: 0 });

  const wrongType = await fetch(`${E2E.consoleUrl}/api/v1/uploads?appId=default`, { method: 'POST', headers: { authorization: `Bearer ${env.TIM_CONSOLE_TOKEN}`, 'content-type': 'application/json' }, body: '{}' });
  expect(wrongType.status).toBe(415);
  const anonymous = await fetch(`${E2E.consoleUrl}/api/v1/uploads?appId=default`, { method: 'POST', headers: { 'content-type': 'text/csv' }, body: 'user00001\n' });
  expect(anonymous.status).toBe(401);
  expect(((await anonymous.json()) as { code: string }).code).toBe('api.tokenMissing');
});
