import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_CSV_LIMITS } from '../csv/limits';
import { createAppRegistry } from '../apps/registry';
import type { RunWorker } from '../jobs/worker';
import { ENGLISH } from '../messages/catalogues';
import { Secret } from '../secret';
import { openSqliteStore } from '../store';
import type { Store } from '../store/store';
import { tokenHash } from '../tokens/tokens';
import { apiCaller } from './api-caller';
import type { UseCaseContext } from './context';
import { createToken, revokeToken } from './manage-tokens';

let dir: string;
let store: Store;
let nowMs: number;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'tokens-'));
  store = openSqliteStore(join(dir, 'console.db'));
  nowMs = Date.parse('2026-12-07T00:00:00.000Z');
});
afterEach(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

function admin(): UseCaseContext {
  return {
    store,
    apps: createAppRegistry([], { timeoutMs: 1000 }),
    worker: {} as RunWorker,
    actor: { username: 'ann', role: 'admin', clientIp: '10.0.0.1', appId: null },
    clock: { nowMs: () => nowMs },
    csvLimits: DEFAULT_CSV_LIMITS,
    sessionSecret: new Secret('x'.repeat(32)),
    webhookPolicy: { allowHttpLoopback: false },
    messages: ENGLISH,
  };
}

const call = (authorization: string | null) => apiCaller(admin(), { authorization, clientIp: '10.0.0.9', method: 'GET', route: 'GET /apps' });

describe('API tokens', () => {
  it('hands the token back once and keeps only its hash, with an audit row naming it', async () => {
    const made = await createToken(admin(), { name: 'nightly sync', role: 'operator', days: 30 });
    if (!made.ok) throw new Error(made.error.code);
    expect(made.value.token).toMatch(/^timc_[A-Za-z0-9_-]{43}\.[A-Za-z0-9_-]{43}$/);
    expect(made.value.apiToken).toMatchObject({ name: 'nightly sync', role: 'operator', createdBy: 'ann', expiresAt: '2027-01-06T00:00:00.000Z' });
    expect(await store.tokens.byHash(tokenHash(made.value.token))).toEqual(made.value.apiToken);
    expect(JSON.stringify(await store.tokens.list())).not.toContain(made.value.token);
    const [entry] = await store.audit.list({ action: 'token-created', limit: 1 });
    expect(entry).toMatchObject({ operator: 'ann', detail: { name: 'nightly sync', role: 'operator', expires: '2027-01-06' } });
  });

  it('refuses a second live token of the same name', async () => {
    await createToken(admin(), { name: 'ci', role: 'viewer', days: 7 });
    expect(await createToken(admin(), { name: 'CI', role: 'viewer', days: 7 })).toEqual({ ok: false, error: { code: 'tokens.nameTaken', params: { name: 'CI' } } });
  });

  it('lets a live token call, audited by its name and counted per minute', async () => {
    const made = await createToken(admin(), { name: 'ci', role: 'viewer', days: 7 });
    if (!made.ok) throw new Error(made.error.code);
    for (let i = 0; i < 3; i++) expect(await call(`Bearer ${made.value.token}`)).toMatchObject({ ok: true, value: { name: 'ci', role: 'viewer' } });
    const calls = await store.audit.list({ action: 'api-call', limit: 10 });
    expect(calls).toHaveLength(1);
    expect(calls[0]).toMatchObject({ operator: 'token:ci', clientIp: '10.0.0.9', detail: { token: 'ci', method: 'GET', route: 'GET /apps', count: 3 } });
  });

  it('refuses no token, a malformed one, an unknown one, an expired one and a revoked one, each with its code', async () => {
    const made = await createToken(admin(), { name: 'ci', role: 'viewer', days: 7 });
    if (!made.ok) throw new Error(made.error.code);
    const code = async (header: string | null) => {
      const r = await call(header);
      return r.ok ? 'ok' : r.error.code;
    };
    expect(await code(null)).toBe('api.tokenMissing');
    expect(await code('Basic YW5uOnB3')).toBe('api.tokenInvalid');
    expect(await code(`Bearer ${made.value.token}x`)).toBe('api.tokenInvalid');
    const rotated = await apiCaller({ ...admin(), sessionSecret: new Secret('y'.repeat(32)) }, { authorization: `Bearer ${made.value.token}`, clientIp: null, method: 'GET', route: 'GET /apps' });
    expect(rotated).toEqual({ ok: false, error: { code: 'api.tokenInvalid' } });
    expect(await code(`Bearer ${made.value.token}`)).toBe('ok');
    nowMs += 7 * 86_400_000;
    expect(await code(`Bearer ${made.value.token}`)).toBe('api.tokenExpired');
    nowMs -= 86_400_000;
    expect(await revokeToken(admin(), { id: made.value.apiToken.id })).toEqual({ ok: true, value: { name: 'ci' } });
    expect(await code(`Bearer ${made.value.token}`)).toBe('api.tokenExpired');
    expect(await revokeToken(admin(), { id: made.value.apiToken.id })).toEqual({ ok: false, error: { code: 'tokens.notFound' } });
  });
});
