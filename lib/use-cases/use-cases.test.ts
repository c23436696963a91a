import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from '../../sim/server';
import { createAppRegistry, type AppRegistry } from '../apps/registry';
import { prepareOperator } from '../auth/operators';
import { realClock } from '../engine/rate-limiter';
import { executeRun } from '../jobs/execute-run';
import type { RunWorker } from '../jobs/worker';
import { Secret } from '../secret';
import { openSqliteStore } from '../store/sqlite';
import type { Store } from '../store/store';
import { cancelRun } from './cancel-run';
import { chooseApp } from './choose-app';
import type { UseCaseContext } from './context';
import { changeOperator } from './manage-operators';
import { removeNow } from './remove-now';
import { retryFailed } from './retry-failed';

const STAGING = { sdkAppId: 1400000001, key: 'staging-key' };
const PROD = { sdkAppId: 1400000002, key: 'prod-key' };

let sim: Simulator;
let dir: string;
let store: Store;
let apps: AppRegistry;

beforeAll(async () => {
  sim = await startSimulator({
    apps: [
      { sdkAppId: STAGING.sdkAppId, secretKey: STAGING.key, attrNames: ['sex', 'city'], users: { alice: { sex: 'f', city: 'x' }, bob: { sex: 'm' } } },
      { sdkAppId: PROD.sdkAppId, secretKey: PROD.key, attrNames: ['sex', 'city'], users: { alice: { sex: 'f', city: 'y' } } },
    ],
  });
});
afterAll(() => sim.close());

beforeEach(() => {
  sim.reset();
  dir = mkdtempSync(join(tmpdir(), 'use-cases-'));
  store = openSqliteStore(join(dir, 'console.db'));
  apps = createAppRegistry(
    [
      { id: 'staging', label: 'Staging', sdkAppId: STAGING.sdkAppId, region: 'china', baseUrl: sim.url, usesBaseUrlOverride: true, adminIdentifier: 'administrator', secretKey: new Secret(STAGING.key), maxQps: 1000, envLabel: null },
      { id: 'prod', label: 'Production', sdkAppId: PROD.sdkAppId, region: 'china', baseUrl: sim.url, usesBaseUrlOverride: true, adminIdentifier: 'administrator', secretKey: new Secret(PROD.key), maxQps: 1000, envLabel: 'production' },
    ],
    { timeoutMs: 2000 },
  );
});
afterEach(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

/** The real engine over HTTP for the run's own app, as the worker does, without the lease. */
function worker(canSend = true): RunWorker {
  return {
    canSend: () => canSend,
    rate: () => null,
    status: () => ({ role: 'writer' }),
    async run(runId) {
      const run = (await store.runs.get(runId))!;
      const app = apps.get(run.appId)!;
      return executeRun(runId, { runs: store.runs, client: app.tim, limiter: app.budgets.remove_attr, clock: realClock, concurrency: 2 });
    },
  };
}

function ctx(over: Partial<UseCaseContext> = {}): UseCaseContext {
  return { store, apps, worker: worker(), actor: { username: 'ann', role: 'operator', clientIp: null, appId: null }, clock: { nowMs: () => Date.now() }, ...over };
}

const form = (appId: string, userIds: string, attrs = ['city']) => ({ appId, userIds, attrs, requestKey: undefined });

describe('removeNow', () => {
  it('removes through the app it was given, audits, and answers each user', async () => {
    const r = await removeNow(ctx(), form('prod', 'alice ghost'));
    if (!r.ok) throw new Error(r.error.code);
    expect(r.value.run).toMatchObject({ appId: 'prod', sdkAppId: PROD.sdkAppId, status: 'completed', removed: 1, failed: 1 });
    expect(r.value.rows.map((row) => [row.user, row.result, row.code])).toEqual([
      ['alice', 'removed', ''],
      ['ghost', 'failed', '70107'],
    ]);
    expect(sim.getUser('alice', PROD.sdkAppId)).toEqual({ sex: 'f' });
    expect(sim.getUser('alice', STAGING.sdkAppId)).toEqual({ sex: 'f', city: 'x' });
    expect(await store.audit.list({ action: 'run-started', limit: 5 })).toMatchObject([{ operator: 'ann', runId: r.value.run.id }]);
  });

  it('refuses, storing nothing, on a standby process, an unknown app, or attributes the app no longer has', async () => {
    expect(await removeNow(ctx({ worker: worker(false) }), form('prod', 'alice'))).toEqual({ ok: false, error: { code: 'worker.standby' } });
    expect(await removeNow(ctx(), form('gone', 'alice'))).toEqual({ ok: false, error: { code: 'app.unknown' } });
    expect(await removeNow(ctx(), form('prod', 'alice', ['shoe']))).toEqual({
      ok: false,
      error: { code: 'app.attrsChanged', params: { app: 'Production' }, fields: { attrs: { code: 'app.attrsUnknown', params: { app: 'Production', names: 'shoe' } } } },
    });
    expect(await store.runs.list({ limit: 5 })).toEqual([]);
    expect(sim.requests().filter((q) => q.api === 'remove_attr')).toEqual([]);
  });

  it('gives a resubmitted confirm step its first run', async () => {
    const key = 'k'.repeat(24);
    const first = await removeNow(ctx(), { ...form('staging', 'bob', ['sex']), requestKey: key });
    const again = await removeNow(ctx(), { ...form('staging', 'bob', ['sex']), requestKey: key });
    expect(first.ok && again.ok && again.value.run.id === first.value.run.id).toBe(true);
    expect(sim.requests().filter((q) => q.api === 'remove_attr')).toHaveLength(1);
  });
});

describe('cancel and retry', () => {
  it('cannot cancel a form run, nor retry an unknown one', async () => {
    const r = await removeNow(ctx(), form('staging', 'bob', ['sex']));
    if (!r.ok) throw new Error(r.error.code);
    expect(await cancelRun(ctx(), { runId: r.value.run.id })).toEqual({ ok: false, error: { code: 'run.formRun' } });
    expect(await retryFailed(ctx(), { runId: 999 })).toEqual({ ok: false, error: { code: 'run.notFound' } });
    expect(await retryFailed(ctx(), { runId: r.value.run.id })).toEqual({ ok: false, error: { code: 'run.nothingToRetry' } });
  });
});

describe('changeOperator and chooseApp', () => {
  it('audits a change with it, refuses changing oneself, and names the operator a refusal is about', async () => {
    const admin = ctx({ actor: { username: 'root', role: 'admin', clientIp: '192.0.2.1', appId: null } });
    expect(await changeOperator(admin, { kind: 'add', username: 'dora', password: 'a-long-password', role: 'viewer' })).toEqual({ ok: true, value: { kind: 'add', username: 'dora' } });
    expect(await changeOperator(admin, { kind: 'add', username: 'DORA', password: 'a-long-password', role: 'viewer' })).toEqual({
      ok: false,
      error: { code: 'operators.exists', params: { username: 'DORA' } },
    });
    expect(await changeOperator(admin, { kind: 'role', username: 'root', role: 'viewer' })).toEqual({ ok: false, error: { code: 'operators.self' } });
    expect(await changeOperator(admin, { kind: 'disable', username: 'nobody' })).toEqual({ ok: false, error: { code: 'operators.notFound', params: { username: 'nobody' } } });
    expect((await store.audit.list({ limit: 10 })).map((e) => [e.action, e.operator, e.clientIp, e.detail])).toEqual([['operator-added', 'root', '192.0.2.1', { username: 'dora', role: 'viewer' }]]);
  });

  it('remembers a configured app for the operator and refuses another', async () => {
    const prepared = await prepareOperator({ username: 'ann', password: 'a-long-password', role: 'operator' });
    if (!prepared.ok) throw new Error(prepared.code);
    await store.operators.insert(prepared.operator, () => null);
    expect(await chooseApp(ctx(), { appId: 'nope' })).toEqual({ ok: false, error: { code: 'app.unknown' } });
    expect(await chooseApp(ctx(), { appId: 'prod' })).toEqual({ ok: true, value: { appId: 'prod' } });
    expect((await store.operators.find('ann'))?.appId).toBe('prod');
  });
});
