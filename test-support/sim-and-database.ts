import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach } from 'vitest';
import { createAppRegistry, type AppRegistry } from '../lib/apps/registry';
import { Secret } from '../lib/secret';
import { openSqliteStore } from '../lib/store';
import type { Store } from '../lib/store/store';
import { createTimClient, type TimClient } from '../lib/tim/client';
import { createUserSigCache } from '../lib/tim/usersig-cache';
import { startSimulator, type Simulator } from '../sim/server';

/**
 * A real simulator for the whole file and a store on a fresh SQLite file for each test, as the job
 * tests use them: `env.sim` and `env.store` are set once the hooks have run.
 */
export function simulatorAndDatabase(opts: { sdkAppId: number; secretKey: string; attrNames: string[]; users: Record<string, Record<string, string>>; latencyMs: number }) {
  const env = { sim: undefined as unknown as Simulator, store: undefined as unknown as Store, dir: '' };
  beforeAll(async () => {
    env.sim = await startSimulator(opts);
  });
  afterAll(() => env.sim.close());
  beforeEach(() => {
    env.sim.reset();
    env.dir = mkdtempSync(join(tmpdir(), 'job-test-'));
    env.store = openSqliteStore(join(env.dir, 'console.db'));
  });
  afterEach(async () => {
    await env.store.close();
    rmSync(env.dir, { recursive: true, force: true });
  });
  /** The real client to the simulator, signed as the app's admin. */
  const timClient = (): TimClient =>
    createTimClient({
      sdkAppId: opts.sdkAppId,
      identifier: 'administrator',
      baseUrl: env.sim.url,
      timeoutMs: 2000,
      userSig: createUserSigCache({ sdkAppId: opts.sdkAppId, identifier: 'administrator', secretKey: () => opts.secretKey }),
    });
  return { env, timClient };
}

/** One app, `prod`, on a simulator over HTTP, at a ceiling no test reaches. */
export function oneAppRegistry(baseUrl: string, app: { sdkAppId: number; key: string }): AppRegistry {
  return createAppRegistry(
    [{ id: 'prod', label: 'Production', sdkAppId: app.sdkAppId, region: 'china', baseUrl, usesBaseUrlOverride: true, adminIdentifier: 'administrator', secretKey: new Secret(app.key), maxQps: 1000, sharedBudget: false, envLabel: null, typedConfirmAbove: null }],
    { timeoutMs: 5000 },
  );
}

/** Signs the sessions a use-case test's context would sign: a test's own, random each run. */
export const testSessionSecret = () => new Secret(randomBytes(48).toString('base64url'));
