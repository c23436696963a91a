import { hostname } from 'node:os';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createAppRegistry } from '../../apps/registry';
import { Secret } from '../../secret';
import type { Store } from '../store';
import { freshPostgres, type FreshPostgres } from './test-database';
import { startSimulator, type Simulator } from '../../../sim/server';
import { JobWorker } from '../../jobs/worker';

/**
 * Two console processes on one Postgres database, as two JobWorkers in this test process: each
 * with its own pool, app registry (so its own rate budgets) and identity. The pids are made up and
 * every pid counts as alive, so neither takes the other's app for a dead process on this host.
 */
const APP = 1400000123;
const KEY = 'senders-test-key';
/** Low, so a run lasts long enough to be cancelled or handed over mid-way. */
const CEILING = 20;
const ids = (n: number) => Array.from({ length: n }, (_, i) => `u${i}`);

let sim: Simulator;
beforeAll(async () => {
  sim = await startSimulator({ sdkAppId: APP, secretKey: KEY, attrNames: ['sex', 'city'], users: Object.fromEntries(ids(6000).map((id) => [id, { sex: 'f', city: 'x' }])), latencyMs: 5 });
});
afterAll(() => sim.close());

let db: FreshPostgres;
let workers: JobWorker[];
beforeEach(async () => {
  sim.reset();
  db = await freshPostgres();
  workers = [];
});
afterEach(async () => {
  for (const w of workers) await w.shutdown(0);
  await db.dispose();
});

function consoleProcess(id: string, pid: number): { store: Store; worker: JobWorker } {
  const store = db.open();
  const apps = createAppRegistry(
    [
      {
        id: 'prod',
        label: 'Production',
        sdkAppId: APP,
        region: 'china',
        baseUrl: sim.url,
        usesBaseUrlOverride: true,
        adminIdentifier: 'administrator',
        secretKey: new Secret(KEY),
        maxQps: CEILING,
        sharedBudget: false,
        envLabel: null,
        typedConfirmAbove: null,
      },
    ],
    { timeoutMs: 5000 },
  );
  const worker = new JobWorker({ store, apps, me: { id, pid, host: hostname() }, isAlive: () => true });
  workers.push(worker);
  return { store, worker };
}

const newRun = (store: Store, source: 'csv' | 'form', n: number) =>
  store.runs.create({ source, appId: 'prod', sdkAppId: APP, region: 'china', operator: 'ann', users: ids(n).map((account) => ({ account, attrs: ['sex'] })) }, { operator: 'ann', clientIp: null, action: 'run-started' });

const sendingFor = (w: JobWorker) => {
  const s = w.status();
  return s.role === 'shared' ? s.apps.find((a) => a.appId === 'prod') : undefined;
};

describe('one sending process per app (Postgres), two console processes', { timeout: 90_000 }, () => {
  it('sends a form run started in the process that does not send for its app, in the one that does, and the form answers once it ended', async () => {
    const owner = consoleProcess('owner', 900_001);
    const other = consoleProcess('other', 900_002);
    await owner.worker.boot();
    await other.worker.boot();
    expect(sendingFor(other.worker)).toMatchObject({ state: 'sending', pid: 900_001, here: false });
    expect(sendingFor(owner.worker)).toMatchObject({ state: 'sending', pid: 900_001, here: true });

    const { runId } = await newRun(other.store, 'form', 150);
    expect(other.worker.canSend()).toBe(true);
    await other.worker.runToEnd(runId, 'form');
    expect(await other.store.runs.get(runId)).toMatchObject({ status: 'completed', succeeded: 150, pending: 0 });
    expect(sim.getUser('u0')).toEqual({ city: 'x' });
  });

  it('stops the sender when another process cancels the run: the rest is "not sent", each user has one outcome', async () => {
    const owner = consoleProcess('owner', 900_001);
    const other = consoleProcess('other', 900_002);
    await owner.worker.boot();
    await other.worker.boot();
    const { runId } = await newRun(owner.store, 'csv', 5000);
    void owner.worker.run(runId, 'csv');
    await expect.poll(async () => (await other.store.runs.get(runId))!.succeeded, { timeout: 30_000 }).toBeGreaterThan(0);
    expect(await other.store.runs.requestCancel(runId, { operator: 'bob', clientIp: null, action: 'run-cancelled' })).toEqual({ ok: true });
    await expect.poll(async () => (await other.store.runs.get(runId))!.status, { timeout: 30_000 }).toBe('cancelled');
    const run = (await other.store.runs.get(runId))!;
    expect(run.notSent).toBeGreaterThan(0);
    expect(run.succeeded + run.failed + run.notSent).toBe(5000);
    expect(sim.stats().usersRemoved).toBe(run.succeeded);
  });

  it('hands the app over on shutdown: batches in flight are recorded, the other process resumes the run, and the ceiling holds', async () => {
    const first = consoleProcess('first', 900_001);
    const second = consoleProcess('second', 900_002);
    await first.worker.boot();
    await second.worker.boot();
    const { runId } = await newRun(first.store, 'csv', 3000);
    void first.worker.run(runId, 'csv');
    await expect.poll(async () => (await second.store.runs.get(runId))!.succeeded, { timeout: 30_000 }).toBeGreaterThan(0);

    await first.worker.shutdown();
    const left = (await second.store.runs.get(runId))!;
    expect(left.status).toBe('running');
    // Whatever was sent before the shutdown is recorded: the simulator removed exactly those users.
    expect(sim.stats().usersRemoved).toBe(left.succeeded);

    await expect.poll(async () => (await second.store.runs.get(runId))!.status, { timeout: 45_000 }).toBe('completed');
    expect(sendingFor(second.worker)).toMatchObject({ state: 'sending', pid: 900_002, here: true });
    expect(await second.store.runs.get(runId)).toMatchObject({ succeeded: 3000, pending: 0, notSent: 0 });
    const stats = sim.stats(APP);
    expect(stats.usersRemoved).toBe(3000);
    expect(stats.byApi.remove_attr).toBe(30);
    expect(stats.maxPerSecondByApi.remove_attr).toBeLessThanOrEqual(CEILING);
    expect(stats.maxPerSecondByApi.get_attr).toBeLessThanOrEqual(CEILING);
    expect(stats.rateLimited).toBe(0);
  });
});
