import { expect, request as playwrightRequest, test, type APIResponse, type Page } from '@playwright/test';
import Ajv2020 from 'ajv/dist/2020';
import { E2E } from './support/env';

/** Creates a token on /operators as the signed-in admin; its text, as shown once. */
async function createToken(page: Page, name: string, role: 'viewer' | 'operator' | 'admin'): Promise<string> {
  await page.goto('/operators');
  await page.getByRole('textbox', { name: 'Token name' }).fill(name);
  await page.getByRole('combobox', { name: 'Token role' }).selectOption(role);
  await page.getByRole('button', { name: 'Create token' }).click();
  const shown = page.getByRole('status').getByRole('textbox');
  await expect(shown).toHaveValue(/^timc_/);
  return shown.inputValue();
}

/** Every answer of these tests is checked against the console's own OpenAPI document. */
async function openApi() {
  const anonymous = await playwrightRequest.newContext({ baseURL: E2E.consoleUrl });
  const res = await anonymous.get('/api/v1/openapi.json');
  expect(res.status()).toBe(200);
  const doc = (await res.json()) as { openapi: string; components: { schemas: Record<string, object> } };
  await anonymous.dispose();
  expect(doc.openapi).toBe('3.1.0');
  const ajv = new Ajv2020({ strict: false, validateFormats: false });
  for (const [id, schema] of Object.entries(doc.components.schemas)) ajv.addSchema(schema, `#/components/schemas/${id}`);
  return async (res: APIResponse, status: number, schema: string) => {
    expect(res.status()).toBe(status);
    const type = res.headers()['content-type'] ?? '';
    expect(type).toContain(schema === 'Problem' ? 'application/problem+json' : 'application/json');
    const body: unknown = await res.json();
    const validate = ajv.getSchema(`#/components/schemas/${schema}`)!;
    expect(validate(body), JSON.stringify(validate.errors)).toBe(true);
    return body as Record<string, unknown>;
  };
}

test('a token made on /operators calls /api/v1 until it is revoked; answers follow the OpenAPI document', async ({ page }) => {
  const conforms = await openApi();
  await page.goto('/remove');
  await page.getByRole('textbox', { name: 'User IDs' }).fill('alice');
  await page.getByRole('group', { name: 'Attributes' }).getByRole('checkbox', { name: 'city', exact: true }).check();
  await page.getByRole('button', { name: 'Remove attributes' }).click();
  await page.getByRole('button', { name: 'Confirm removal' }).click();
  await expect(page.getByRole('table')).toBeVisible();
  const { runs } = (await (await page.request.get('/api/runs')).json()) as { runs: { id: number }[] };
  const runId = runs[0]!.id;

  const token = await createToken(page, `e2e viewer ${Date.now()}`, 'viewer');
  const api = await playwrightRequest.newContext({ baseURL: E2E.consoleUrl, extraHTTPHeaders: { authorization: `Bearer ${token}` } });

  const apps = await conforms(await api.get('/api/v1/apps'), 200, 'Apps');
  expect(apps.apps).toEqual([expect.objectContaining({ sdkAppId: E2E.sdkAppId })]);
  const status = await conforms(await api.get(`/api/v1/runs/${runId}`), 200, 'RunStatus');
  expect(status.run).toMatchObject({ id: runId, kind: 'remove', source: 'form', total: 1 });
  const missing = await conforms(await api.get('/api/v1/runs/987654'), 404, 'Problem');
  expect(missing).toMatchObject({ code: 'run.notFound', status: 404 });
  const chinese = await conforms(await api.get('/api/v1/runs/987654', { headers: { 'accept-language': 'zh-CN,zh;q=0.9' } }), 404, 'Problem');
  expect(chinese.detail).toMatch(/[\u4e00-\u9fff]/);
  expect(await conforms(await api.get('/api/v1/nothing/here'), 404, 'Problem')).toMatchObject({ code: 'api.notFound' });

  // The page's session cookie is never read here, with or without a token's header.
  const cookieOnly = await page.request.get('/api/v1/apps');
  expect(await conforms(cookieOnly, 401, 'Problem')).toMatchObject({ code: 'api.tokenMissing' });
  expect(cookieOnly.headers()['www-authenticate']).toBe('Bearer');
  const anonymous = await playwrightRequest.newContext({ baseURL: E2E.consoleUrl, extraHTTPHeaders: { authorization: `Bearer ${token.slice(0, -2)}xx` } });
  expect(await conforms(await anonymous.get('/api/v1/apps'), 401, 'Problem')).toMatchObject({ code: 'api.tokenInvalid' });
  await anonymous.dispose();

  await page.goto('/operators');
  const row = page.getByRole('row').filter({ hasText: 'e2e viewer' }).first();
  await row.getByRole('button', { name: 'Revoke' }).click();
  await expect(row).toContainText('Revoked');
  expect(await conforms(await api.get('/api/v1/apps'), 401, 'Problem')).toMatchObject({ code: 'api.tokenExpired' });
  await api.dispose();

  await page.goto('/audit');
  await expect(page.getByRole('table')).toContainText('token:e2e viewer');
});

test('a token over its own request budget is told when to come back', async ({ page }) => {
  const token = await createToken(page, `e2e burst ${Date.now()}`, 'viewer');
  const api = await playwrightRequest.newContext({ baseURL: E2E.consoleUrl, extraHTTPHeaders: { authorization: `Bearer ${token}` } });
  const answers = await Promise.all(Array.from({ length: 90 }, () => api.get('/api/v1/apps')));
  const refused = answers.filter((a) => a.status() === 429);
  expect(refused.length).toBeGreaterThan(0);
  expect(Number(refused[0]!.headers()['retry-after'])).toBeGreaterThanOrEqual(1);
  expect(((await refused[0]!.json()) as { code: string }).code).toBe('api.rateLimited');
  await api.dispose();
});

test('an operator token removes, checks, pages, restores and retries; the same Idempotency-Key twice at once makes one run', async ({ page }) => {
  const conforms = await openApi();
  const operator = await createToken(page, `e2e operator ${Date.now()}`, 'operator');
  const viewer = await createToken(page, `e2e reader ${Date.now()}`, 'viewer');
  const api = await playwrightRequest.newContext({ baseURL: E2E.consoleUrl, extraHTTPHeaders: { authorization: `Bearer ${operator}` } });
  const reader = await playwrightRequest.newContext({ baseURL: E2E.consoleUrl, extraHTTPHeaders: { authorization: `Bearer ${viewer}` } });
  const runsBefore = ((await (await page.request.get('/api/runs')).json()) as { runs: unknown[] }).runs.length;

  const body = { appId: 'default', users: ['user00011', 'user00012', 'user00013'], attrs: ['city'] };
  const key = `e2e-key-${Date.now()}`;
  const [first, second] = await Promise.all([
    api.post('/api/v1/runs', { data: body, headers: { 'idempotency-key': key } }),
    api.post('/api/v1/runs', { data: body, headers: { 'idempotency-key': key } }),
  ]);
  const a = await conforms(first, 201, 'RunOnly');
  const b = await conforms(second, 201, 'RunOnly');
  expect(b).toEqual(a);
  expect([first.headers()['idempotent-replayed'], second.headers()['idempotent-replayed']]).toContain('true');
  const run = a.run as { id: number; status: string; succeeded: number; total: number };
  expect(run).toMatchObject({ status: 'completed', total: 3 });
  const runsAfter = ((await (await page.request.get('/api/runs')).json()) as { runs: unknown[] }).runs.length;
  expect(runsAfter).toBe(runsBefore + 1);

  expect(await conforms(await api.post('/api/v1/runs', { data: { ...body, users: ['user00014'] }, headers: { 'idempotency-key': key } }), 422, 'Problem')).toMatchObject({
    code: 'api.idempotencyMismatch',
  });
  const invalid = await conforms(await api.post('/api/v1/runs', { data: { appId: 'default', users: ['bad id\u0000'], attrs: [] } }), 400, 'Problem');
  expect(invalid).toMatchObject({ code: 'input.invalid', errors: { attrs: expect.any(String) } });
  expect(await conforms(await reader.post('/api/v1/runs', { data: body }), 403, 'Problem')).toMatchObject({ code: 'auth.forbidden' });
  const cookieOnly = await page.request.post('/api/v1/runs', { data: body });
  expect(await conforms(cookieOnly, 401, 'Problem')).toMatchObject({ code: 'api.tokenMissing' });

  const page1 = await conforms(await api.get(`/api/v1/runs/${run.id}/users?limit=2`), 200, 'UsersPage');
  expect((page1.users as { userId: string }[]).map((u) => u.userId)).toEqual(['user00011', 'user00012']);
  const page2 = await conforms(await api.get(`/api/v1/runs/${run.id}/users?limit=2&after=${page1.next}`), 200, 'UsersPage');
  expect(page2).toMatchObject({ users: [{ userId: 'user00013' }], next: null });
  const readerPage = await conforms(await reader.get(`/api/v1/runs/${run.id}/users`), 200, 'UsersPage');
  expect((readerPage.users as object[]).every((u) => !('values' in u))).toBe(true);

  const ndjson = await api.get(`/api/v1/runs/${run.id}/export?format=ndjson`);
  expect(ndjson.headers()['content-type']).toContain('application/x-ndjson');
  const lines = (await ndjson.text()).trim().split('\n').map((l) => JSON.parse(l) as Record<string, string>);
  expect(lines.map((l) => l.user)).toEqual(['user00011', 'user00012', 'user00013']);
  expect(Object.keys(lines[0]!)).toEqual(['user', 'attributes', 'result', 'code', 'explanation', 'server_info', 'before']);
  const csv = await reader.get(`/api/v1/runs/${run.id}/export`);
  expect(csv.headers()['content-type']).toContain('text/csv');
  expect((await csv.text()).split('\r\n')[0]).toBe('\uFEFF"user","attributes","result","code","explanation","server_info"');

  const check = await conforms(await api.post('/api/v1/runs', { data: { ...body, kind: 'check' } }), 201, 'RunOnly');
  expect(check.run).toMatchObject({ kind: 'check', status: 'completed' });
  const restore = await conforms(await api.post(`/api/v1/runs/${run.id}/restore`), run.succeeded > 0 ? 201 : 409, run.succeeded > 0 ? 'Started' : 'Problem');
  if (run.succeeded > 0) await expect.poll(async () => ((await (await api.get(`/api/v1/runs/${restore.runId}`)).json()) as { run: { status: string } }).run.status).toBe('completed');
  expect(await conforms(await api.post(`/api/v1/runs/${run.id}/retry`), 409, 'Problem')).toMatchObject({ code: 'run.nothingToRetry' });
  expect(await conforms(await api.post(`/api/v1/runs/${run.id}/cancel`), 400, 'Problem')).toMatchObject({ code: 'run.formRun' });
  await api.dispose();
  await reader.dispose();
});

test('a viewer token may read but never change anything, on every endpoint that changes something', async ({ page }) => {
  const conforms = await openApi();
  const viewer = await createToken(page, `e2e viewer only ${Date.now()}`, 'viewer');
  const api = await playwrightRequest.newContext({ baseURL: E2E.consoleUrl, extraHTTPHeaders: { authorization: `Bearer ${viewer}` } });
  for (const path of ['/api/v1/runs', '/api/v1/runs/1/cancel', '/api/v1/runs/1/retry', '/api/v1/runs/1/restore', '/api/v1/uploads/1/start']) {
    expect(await conforms(await api.post(path, { data: {} }), 403, 'Problem'), path).toMatchObject({ code: 'auth.forbidden', params: { role: 'viewer', needed: 'operator' } });
  }
  expect(await conforms(await api.post('/api/v1/uploads?appId=default', { data: 'user00001\n', headers: { 'content-type': 'text/csv' } }), 403, 'Problem')).toMatchObject({ code: 'auth.forbidden' });
  expect(await conforms(await api.get('/api/v1/uploads/1'), 403, 'Problem')).toMatchObject({ code: 'auth.forbidden' });
  const operator = await createToken(page, `e2e operator only ${Date.now()}`, 'operator');
  const op = await playwrightRequest.newContext({ baseURL: E2E.consoleUrl, extraHTTPHeaders: { authorization: `Bearer ${operator}` } });
  expect(await conforms(await op.get('/api/v1/uploads/987654'), 404, 'Problem')).toMatchObject({ code: 'upload.notFound' });
  expect(await conforms(await op.post('/api/v1/uploads/987654/start', { data: {} }), 404, 'Problem')).toMatchObject({ code: 'upload.notFound' });
  expect(await conforms(await op.post('/api/v1/runs', { data: Buffer.from('{not json'), headers: { 'content-type': 'application/json' } }), 400, 'Problem')).toMatchObject({ code: 'api.json' });
  expect(await conforms(await op.post('/api/v1/runs', { data: 'x', headers: { 'content-type': 'text/plain' } }), 415, 'Problem')).toMatchObject({ code: 'request.mediaType' });
  expect(await conforms(await op.post('/api/v1/runs', { data: {}, headers: { 'idempotency-key': 'bad key with spaces' } }), 400, 'Problem')).toMatchObject({ code: 'api.idempotencyKey' });
  await api.dispose();
  await op.dispose();
});
