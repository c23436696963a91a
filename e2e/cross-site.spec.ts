import { expect, test, type APIRequestContext, type Page } from '@playwright/test';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SESSION_COOKIE } from '../lib/auth/cookie';
import { signInFormBody } from './support/auth';
import { E2E } from './support/env';
import { sim } from './support/sim';

/**
 * A page on another port of the console's host is same-site: SameSite=Lax sends the operator's
 * session cookie with its requests. Everything it tries to start must be refused.
 */
let attacker: Server;
let attackerUrl = '';

test.beforeAll(async () => {
  attacker = createServer((req, res) => {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(ATTACK_PAGE);
  });
  await new Promise<void>((resolve) => attacker.listen(0, '127.0.0.1', resolve));
  attackerUrl = `http://127.0.0.1:${(attacker.address() as AddressInfo).port}/`;
});

test.afterAll(() => new Promise<void>((resolve) => attacker.close(() => resolve())));

/** Every way a page can send a body without a CORS preflight, and one that needs it. */
const ATTACK_PAGE = `<!doctype html><html><body><iframe name="sink"></iframe><script>
const base = new URLSearchParams(location.search).get('console');
const target = JSON.parse(new URLSearchParams(location.search).get('target'));
const send = (path, body, type) => fetch(base + path, { method: 'POST', mode: 'no-cors', credentials: 'include', body, headers: type ? { 'content-type': type } : {} }).catch(() => null);
function formPost(path, body) {
  const form = document.createElement('form');
  form.method = 'POST';
  form.enctype = 'text/plain';
  form.target = 'sink';
  form.action = base + path;
  const field = document.createElement('input');
  field.name = body.slice(0, -2);
  field.value = '"}';
  form.append(field);
  document.body.append(form);
  form.submit();
}
(async () => {
  await send('/api/uploads?appId=default&name=evil.csv', 'To_Account,Attrs\\nuser00001,city;tier\\nuser00002,city;tier\\n');
  await fetch(base + '/api/uploads?appId=default&name=evil2.csv', { method: 'POST', credentials: 'include', body: 'user00003\\n', headers: { 'content-type': 'text/csv' } }).catch(() => null);
  await send('/api/uploads/' + target.upload + '/start', JSON.stringify({ attrs: ['city', 'tier'], requestKey: 'evil-start-00000001' }));
  await send('/api/uploads/' + target.upload + '/start', JSON.stringify({ attrs: ['city', 'tier'], requestKey: 'evil-start-00000002' }), 'application/x-www-form-urlencoded');
  await send('/api/runs/' + target.check + '/remove', JSON.stringify({ requestKey: 'evil-remove-0000001' }));
  await send('/api/runs/' + target.removal + '/restore', '{}');
  formPost('/api/runs/' + target.check + '/remove', JSON.stringify({ requestKey: 'evil-form-000000001', x: '' }));
  await new Promise((r) => setTimeout(r, 1000));
  document.title = 'done';
})();
</script></body></html>`;

const runIdOf = (page: Page) => Number(/\/history\/(\d+)/.exec(page.url())![1]);

async function settled(request: APIRequestContext, runId: number) {
  await expect(async () => {
    const { run } = (await (await request.get(`/api/runs/${runId}`)).json()) as { run: { status: string } };
    expect(run.status).toBe('completed');
  }).toPass({ timeout: 30_000 });
}

async function latestRunId(request: APIRequestContext): Promise<number> {
  const { runs } = (await (await request.get('/api/runs')).json()) as { runs: { id: number }[] };
  return Math.max(0, ...runs.map((r) => r.id));
}

test.beforeEach(async ({ request }) => {
  await sim(request).reset();
});

test('a page on another port of the same host, opened by a signed-in operator, can start nothing', async ({ page, request }) => {
  // What the attacker aims at: a dry run, the removal a script started from it, and a staged upload.
  await page.goto('/remove');
  await page.getByRole('textbox', { name: 'User IDs' }).fill('user00001\nuser00002');
  await page.getByRole('group', { name: 'Attributes' }).getByRole('checkbox', { name: 'city', exact: true }).check();
  await page.getByRole('button', { name: 'Check current values' }).click();
  await page.getByRole('link', { name: /^Open dry run #\d+ in history$/ }).click();
  await expect(page).toHaveURL(/\/history\/\d+/);
  const check = runIdOf(page);
  await settled(page.request, check);

  // A script's request carries no Origin and no Sec-Fetch-Site: it still works, with its JSON body.
  const removed = await page.request.post(`/api/runs/${check}/remove`, { data: { requestKey: 'script-remove-0000001' } });
  expect(removed.status()).toBe(201);
  const removal = ((await removed.json()) as { runId: number }).runId;
  await settled(page.request, removal);

  const staged = await page.request.post('/api/uploads?appId=default&name=pending.csv', { data: 'user00010\nuser00011\n', headers: { 'content-type': 'text/csv' } });
  expect(staged.status()).toBe(201);
  const upload = ((await staged.json()) as { id: number }).id;

  const lastRun = await latestRunId(page.request);
  const sent = { remove: (await sim(request).requests('remove_attr')).length, set: (await sim(request).requests('set_attr')).length };

  await page.goto(`${attackerUrl}?console=${encodeURIComponent(E2E.consoleUrl)}&target=${encodeURIComponent(JSON.stringify({ upload, check, removal }))}`);
  await expect(page).toHaveTitle('done', { timeout: 20_000 });

  expect(await latestRunId(page.request)).toBe(lastRun);
  expect((await sim(request).requests('remove_attr')).length).toBe(sent.remove);
  expect((await sim(request).requests('set_attr')).length).toBe(sent.set);
  // The operator's own upload is still theirs to start, with their own picks.
  const start = await page.request.post(`/api/uploads/${upload}/start`, { data: { attrs: ['tier'], requestKey: 'own-start-000000001' } });
  expect(start.status()).toBe(201);
});

test('the refusals say why: a foreign Origin is 403, a body that is not JSON or CSV is 415', async ({ page }) => {
  const foreign = await page.request.post('/api/runs/1/restore', { data: {}, headers: { origin: 'http://127.0.0.1:1' } });
  expect(foreign.status()).toBe(403);
  expect(await foreign.json()).toMatchObject({ code: 'request.crossOrigin' });
  const sibling = await page.request.post('/api/runs/1/restore', { data: {}, headers: { 'sec-fetch-site': 'same-site' } });
  expect(sibling.status()).toBe(403);
  const plain = await page.request.post('/api/runs/1/remove', { data: '{"requestKey":"k"}', headers: { 'content-type': 'text/plain' } });
  expect(plain.status()).toBe(415);
  expect(await plain.json()).toMatchObject({ code: 'request.mediaType' });
  const notCsv = await page.request.post('/api/uploads?appId=default&name=x.csv', { data: 'user00001\n', headers: { 'content-type': 'text/plain' } });
  expect(notCsv.status()).toBe(415);

  // The console's own page, same origin: a restore request gets past the gate (and is refused for its own reason).
  await page.goto('/history');
  const own = await page.evaluate(async () => (await fetch('/api/runs/999999/restore', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' })).status);
  expect(own).toBe(404);
});

test('a server action from a foreign Origin is refused with the reason, not a 500; behind a proxy that forwards its host, the sign-in works', async () => {
  const post = async (headers: Record<string, string>) =>
    fetch(`${E2E.consoleUrl}/login`, { method: 'POST', redirect: 'manual', headers, body: await signInFormBody(E2E.consoleUrl, E2E.admin.username, E2E.admin.password) });
  const foreign = await post({ origin: 'https://console.example.com' });
  expect(foreign.status).toBe(403);
  expect(await foreign.text()).toContain("did not come from the console's own pages");
  expect(foreign.headers.get('set-cookie')).toBeNull();

  const proxied = await post({ origin: 'https://console.example.com', 'x-forwarded-host': 'console.example.com' });
  expect(proxied.status).toBe(303);
  expect(proxied.headers.get('set-cookie')).toContain(SESSION_COOKIE);
});
