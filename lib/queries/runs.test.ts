import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from '../../sim/server';
import { oneAppRegistry, testSessionSecret } from '../../test-support/sim-and-database';
import type { AppRegistry } from '../apps/registry';
import { DEFAULT_CSV_LIMITS } from '../csv/limits';
import { realClock } from '../tim/rate-limiter';
import { thisProcess } from '../lease/lease';
import { executeRun } from '../jobs/execute-run';
import { ENGLISH } from '../messages/catalogues';
import { openSqliteStore } from '../store';
import type { Store } from '../store/store';
import type { Failure } from '../tim/outcomes';
import type { UseCaseContext } from '../use-cases/context';
import { removeNow } from '../use-cases/remove-now';
import { searchUser } from '../use-cases/search-user';
import { recentRuns, runById, runResults, runStatus } from './runs';

const APP = { sdkAppId: 1400000001, key: 'runs-view-key' };

let sim: Simulator;
let dir: string;
let store: Store;
let apps: AppRegistry;

beforeAll(async () => {
  sim = await startSimulator({ sdkAppId: APP.sdkAppId, secretKey: APP.key, attrNames: ['city'], users: { alice: { city: 'x' } } });
});
afterAll(() => sim.close());

beforeEach(() => {
  sim.reset();
  dir = mkdtempSync(join(tmpdir(), 'runs-view-'));
  store = openSqliteStore(join(dir, 'console.db'));
  apps = oneAppRegistry(sim.url, APP);
});
afterEach(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

function ctx(role: 'viewer' | 'operator'): UseCaseContext {
  return {
    store,
    apps,
    worker: {
      canSend: () => true,
        identity: thisProcess,
      status: () => ({ role: 'writer' }),
      async run(runId) {
        const app = apps.get('prod')!;
        return executeRun(runId, { runs: store.runs, client: app.tim, budgets: (api) => app.budgets[api], clock: realClock, concurrency: 2 });
      },
      async runToEnd(runId) {
        await this.run(runId, 'form');
      },
    },
    actor: { username: 'ann', role, clientIp: null, appId: null },
    clock: { nowMs: () => Date.now() },
    csvLimits: DEFAULT_CSV_LIMITS,
    sessionSecret: testSessionSecret(), webhookPolicy: { allowHttpLoopback: false },
    messages: ENGLISH,
  };
}

/** Everything a viewer's browser receives about the run, as the JSON it is sent as. */
async function viewerPayloads(runId: number): Promise<string> {
  const viewer = ctx('viewer');
  const run = (await runById(viewer, runId))!;
  return JSON.stringify([
    await runStatus(viewer, runId),
    run,
    await recentRuns(viewer),
    await searchUser(viewer, 'alice'),
    await runResults(viewer, run, { afterSeq: 0, limit: 10, filter: {} }),
  ]);
}

describe("a run's stop reason, on every surface", () => {
  it('carries no UserSig when the reply that stopped it echoed the request URL', async () => {
    // Under the byte limit: the 60002 reply is read, and stops the run (fatal).
    sim.setConfig({ faults: { hugeErrorInfo: 1, hugeBytes: 2000 } });
    const removed = await removeNow(ctx('operator'), { appId: 'prod', userIds: 'alice', attrs: ['city'], requestKey: undefined });
    if (!removed.ok) throw new Error(removed.error.code);
    const { run } = removed.value;
    expect(run).toMatchObject({ status: 'failed', error: { key: '60002', info: expect.stringMatching(/^cannot parse \[address hidden\] a+…$/) } });

    const everything = JSON.stringify(removed.value) + (await viewerPayloads(run.id));
    expect(everything).not.toMatch(/usersig=/i);
    // A UserSig is base64 of zlib data: it starts "eJ".
    expect(everything).not.toMatch(/eJ[\w*-]{40}/);
  });

  it('is cleaned when shown, for a run stored by an earlier version with the words as received', async () => {
    const raw = 'bad sig for https://x/v4/timpush/remove_attr?usersig=eJySECRETSIG&identifier=admin';
    const asReceived: Failure = { key: '70009', code: 70009, info: raw, handling: 'fatal' };
    const { runId } = await store.runs.create(
      { source: 'form', appId: 'prod', sdkAppId: APP.sdkAppId, region: 'china', operator: 'ann', users: [{ account: 'alice', attrs: ['city'] }] },
      { action: 'run-started', operator: 'ann', clientIp: null },
    );
    await store.runs.recordOutcomes(runId, [{ seq: 1, account: 'alice', status: 'failed', failure: asReceived, attempts: 1 }], 1);
    await store.runs.finish(runId, { status: 'stopped', failure: asReceived });
    expect((await store.runs.get(runId))!.error!.info).toBe(raw);

    const payloads = await viewerPayloads(runId);
    expect(payloads).not.toContain('eJySECRETSIG');
    expect(payloads).not.toContain('identifier=admin');
    expect(payloads).toContain('bad sig for [address hidden]');
  });
});

describe('the rate and time left of a running run', () => {
  it('are measured from the batches recorded in the database, so a second process, or one started after a restart, shows the same', async () => {
    const users = Array.from({ length: 6_500 }, (_, i) => ({ account: `u${i}`, attrs: ['city'] }));
    const { runId } = await store.runs.create(
      { source: 'csv', appId: 'prod', sdkAppId: APP.sdkAppId, region: 'china', operator: 'ann', users },
      { action: 'run-started', operator: 'ann', clientIp: null },
    );
    // 100 users every 100 ms, as the sending process records them.
    const t0 = Date.now() - 10_000;
    for (let b = 0; b < 50; b++) {
      const batch = users.slice(b * 100, (b + 1) * 100).map((u, i) => ({ seq: b * 100 + i + 1, account: u.account, status: 'removed' as const, attempts: 1 }));
      await store.runs.recordOutcomes(runId, batch, 1, t0 + b * 100);
    }
    const other = openSqliteStore(join(dir, 'console.db'));
    try {
      const at = (s: Store) => runStatus({ ...ctx('viewer'), store: s, clock: { nowMs: () => t0 + 4_900 } }, runId);
      const here = await at(store);
      expect(here).toMatchObject({ rate: expect.closeTo(1_000, 6), etaSeconds: 2 });
      expect(await at(other)).toEqual(here);
    } finally {
      await other.close();
    }
  });
});
