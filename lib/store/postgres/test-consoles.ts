// Console processes on one Postgres database and one simulator, for the tests of several
// processes sending (takeover.test.ts, frozen-sender.test.ts, network-cut.test.ts).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect } from 'vitest';
import { startSimulator, type Simulator } from '../../../sim/server';
import { startConsoleChild, type ConsoleChild } from '../../../test-support/console-child';
import { startCutProxy, type CutProxy } from '../../../test-support/cut-proxy';
import { JOB_CONCURRENCY } from '../../jobs/worker';
import { LEASE_TTL_MS } from '../../lease/lease';
import type { RunSummary } from '../../runs/types';
import type { Store } from '../store';
import { freshPostgres, type FreshPostgres } from './test-database';

/** Batches a pass can have in flight: the lanes of a removal (a look, then the call). */
export const LANES = JOB_CONCURRENCY * 2;

export interface TestApp {
  id: string;
  sdkAppId: number;
  key: string;
}

/**
 * For one test file: a simulator where each app has these users (with `sex` and `city` set), a
 * fresh Postgres database, and console processes on both, started by `startConsole` and killed
 * (woken first, if stopped) when the file's tests end.
 */
export function consolesOnPostgres(opts: { apps: readonly TestApp[]; users: readonly string[]; ceiling: number }) {
  const children: ConsoleChild[] = [];
  const cables: CutProxy[] = [];
  const setup = {} as { sim: Simulator; db: FreshPostgres; store: Store; dir: string };
  beforeAll(async () => {
    const users = Object.fromEntries(opts.users.map((id) => [id, { sex: 'f', city: 'x' }]));
    setup.sim = await startSimulator({ apps: opts.apps.map((a) => ({ sdkAppId: a.sdkAppId, secretKey: a.key, attrNames: ['sex', 'city'], users })), latencyMs: 5 });
    setup.db = await freshPostgres({ pool: 8 });
    setup.store = setup.db.open();
    setup.dir = mkdtempSync(join(tmpdir(), 'consoles-'));
    writeFileSync(
      join(setup.dir, 'apps.json'),
      JSON.stringify(opts.apps.map((a, i) => ({ id: a.id, label: `App ${i}`, sdkAppId: a.sdkAppId, baseUrl: setup.sim.url, secretKeyEnv: `APP_KEY_${i}`, maxQps: opts.ceiling }))),
    );
  });
  afterAll(async () => {
    for (const c of children) {
      c.child.kill('SIGCONT');
      c.child.kill('SIGKILL');
    }
    await Promise.all(children.map((c) => c.exited));
    for (const cable of cables) await cable.close();
    await setup.db?.dispose();
    await setup.sim?.close();
    if (setup.dir) rmSync(setup.dir, { recursive: true, force: true });
  });
  return {
    get sim() {
      return setup.sim;
    },
    get store() {
      return setup.store;
    },
    /**
     * The end of a takeover of `app`'s run, once it completed: taken after the old sender's lease
     * could lapse and within 30 s; each user once; nothing sent (`sent`: the simulator's counts
     * when `done` was read) or recorded since; no second over the ceiling; and at most the
     * batches the old sender had in flight sent again.
     */
    async expectTakenOver(app: TestApp, at: { runId: number; takenAfterMs: number; done: RunSummary; sent: Record<string, number> }): Promise<void> {
      const stats = setup.sim.stats(app.sdkAppId);
      expect(at.takenAfterMs).toBeGreaterThanOrEqual(LEASE_TTL_MS - 5_000);
      expect(at.takenAfterMs).toBeLessThanOrEqual(30_000);
      expect(stats.byApi).toEqual(at.sent);
      expect(await setup.store.runs.get(at.runId)).toEqual(at.done);
      expect(at.done).toMatchObject({ status: 'completed', pending: 0, failed: 0, notSent: 0, succeeded: opts.users.length });
      expect(stats.rateLimited).toBe(0);
      expect(stats.maxPerSecondByApi.remove_attr).toBeLessThanOrEqual(opts.ceiling);
      expect(stats.maxPerSecondByApi.get_attr).toBeLessThanOrEqual(opts.ceiling);
      expect(stats.byApi.remove_attr! - opts.users.length / 100).toBeLessThanOrEqual(LANES);
    },
    /** A cable to the database whose connections a test can cut (test-support/cut-proxy.ts). */
    async cable(): Promise<CutProxy> {
      const { hostname, port } = new URL(setup.db.url);
      return cables[cables.push(await startCutProxy({ host: hostname, port: Number(port) })) - 1]!;
    },
    /** A console process on the database, directly or through `cable`. */
    startConsole(how: { cable?: CutProxy } = {}): ConsoleChild {
      const url = setup.db.url.replace(/pool=\d+/, 'pool=6');
      const started = startConsoleChild({
        DATABASE_URL: how.cable ? how.cable.through(url) : url,
        TIM_APPS_FILE: join(setup.dir, 'apps.json'),
        ...Object.fromEntries(opts.apps.map((a, i) => [`APP_KEY_${i}`, a.key])),
      });
      children.push(started);
      return started;
    },
  };
}
