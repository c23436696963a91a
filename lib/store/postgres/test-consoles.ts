// Console processes on one Postgres database and one simulator, for the tests of several
// processes sending (takeover.test.ts, frozen-sender.test.ts, network-cut.test.ts).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { startSimulator, type Simulator } from '../../../sim/server';
import { startConsoleChild, type ConsoleChild } from '../../../test-support/console-child';
import { startCutProxy, type CutProxy } from '../../../test-support/cut-proxy';
import { JOB_CONCURRENCY } from '../../jobs/worker';
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
