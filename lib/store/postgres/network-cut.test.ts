import { expect, it } from 'vitest';
import { SAFETY_MARGIN_MS } from '../../jobs/database-ownership';
import { consolesOnPostgres } from './test-consoles';

/**
 * The sender of an app loses the database while it goes on running and still reaches TIM: its
 * cable to Postgres is pulled, and its connections are left half-open, not closed. It must stop
 * sending before its lease can lapse; the other process must take the app over and finish the
 * run; and once the cable is back, the old sender must record nothing, send nothing, and go on
 * as a healthy process that shuts down cleanly.
 */
const USERS = 60_000;
const CEILING = 100;
const APP = { id: 'app0', sdkAppId: 1400000900, key: 'cut-key-0' };
const ids = Array.from({ length: USERS }, (_, i) => `u${i}`);
const harness = consolesOnPostgres({ apps: [APP], users: ids, ceiling: CEILING });

const lease = async () => (await harness.store.appLeases!.list()).find((l) => l.appId === APP.id && l.expiresMs > Date.now()) ?? null;

it('takes the app of a sender cut off from the database over, and the sender, reconnected, records and sends nothing more', { timeout: 300_000 }, async () => {
  const cable = await harness.cable();
  const victim = harness.startConsole({ cable });
  await expect.poll(async () => (await lease())?.pid, { timeout: 120_000, interval: 250 }).toBe(victim.pid);
  const other = harness.startConsole();
  await expect.poll(() => other.events.some((e) => e.event === 'server.ready'), { timeout: 120_000, interval: 250 }).toBe(true);

  const { runId } = await harness.store.runs.create(
    { source: 'csv', appId: APP.id, sdkAppId: APP.sdkAppId, region: 'china', operator: 'ann', users: ids.map((account) => ({ account, attrs: ['sex'] })) },
    { operator: 'ann', clientIp: null, action: 'run-started' },
  );
  await expect.poll(async () => (await harness.store.runs.get(runId))!.pending, { timeout: 120_000, interval: 100 }).toBeLessThanOrEqual(USERS * 0.7);

  cable.cut();
  const cutAt = Date.now();
  // No renewal can reach the server from now on: this is the last expiry the victim wrote.
  const lapsesMs = (await lease())!.expiresMs;
  await expect.poll(() => other.events.some((e) => e.event === 'worker.app-taken' && Date.parse(e.t) > cutAt), { timeout: 60_000, interval: 250 }).toBe(true);
  const takenAfterMs = Math.min(...other.events.filter((e) => e.event === 'worker.app-taken' && Date.parse(e.t) > cutAt).map((e) => Date.parse(e.t) - cutAt));
  await expect.poll(async () => (await harness.store.runs.get(runId))!.status, { timeout: 120_000, interval: 250 }).toBe('completed');
  const done = (await harness.store.runs.get(runId))!;
  const sent = { ...harness.sim.stats(APP.sdkAppId).byApi };

  // The cable is back: what the victim wrote meanwhile reaches the server, under a fence no longer held.
  cable.mend();
  await expect.poll(() => victim.events.some((e) => e.event === 'run.pass-ended' && e.runId === runId && e.status === 'halted'), { timeout: 60_000, interval: 250 }).toBe(true);
  // Its heartbeat goes on over the mended connections, and learns the app is no longer its own.
  await expect.poll(() => victim.events.some((e) => e.event === 'worker.app-lost' && e.appId === APP.id), { timeout: 30_000, interval: 250 }).toBe(true);
  await new Promise((resolve) => setTimeout(resolve, 2_000));
  const stats = harness.sim.stats(APP.sdkAppId);
  const arrivals = harness.sim.requests(APP.sdkAppId).map((r) => r.at);
  const whileLapsing = arrivals.filter((at) => at >= lapsesMs - SAFETY_MARGIN_MS + 1_000 && at <= lapsesMs).length;
  console.log(JSON.stringify({ takenAfterMs, lapsesAfterMs: lapsesMs - cutAt, whileLapsing, byApi: stats.byApi, maxPerSecondByApi: stats.maxPerSecondByApi }));

  // Nobody sent in the last seconds before the victim's lease could lapse: it had stopped, and no one else had started.
  expect(whileLapsing).toBe(0);
  await harness.expectTakenOver(APP, { runId, takenAfterMs, done, sent });

  // Still a working process: it shuts down as one does, within its bound.
  for (const c of [victim, other]) c.child.kill('SIGTERM');
  expect(await Promise.all([victim.exited, other.exited])).toEqual([143, 143]);
});
