import { expect, it } from 'vitest';
import { consolesOnPostgres } from './test-consoles';

/**
 * The sender of an app stops answering without dying: frozen (SIGSTOP), as a process cut off by
 * the network looks to the others. Its pid lives, so nothing frees its app at once: the other
 * process must wait for the lease to lapse, take the app over and finish the run; and the frozen
 * one, woken, must send and record nothing more.
 */
const USERS = 60_000;
const CEILING = 100;
const APP = { id: 'app0', sdkAppId: 1400000800, key: 'frozen-key-0' };
const ids = Array.from({ length: USERS }, (_, i) => `u${i}`);
const harness = consolesOnPostgres({ apps: [APP], users: ids, ceiling: CEILING });
const startConsole = () => harness.startConsole();

const owner = async () => (await harness.store.appLeases!.list()).find((l) => l.appId === APP.id && l.expiresMs > Date.now())?.pid ?? null;

it('takes a frozen sender’s app over once its lease lapses, finishes the run, and the sender, woken, sends and records nothing more', { timeout: 300_000 }, async () => {
  const consoles = [startConsole(), startConsole()];
  await expect.poll(owner, { timeout: 120_000, interval: 250 }).not.toBeNull();
  const { runId } = await harness.store.runs.create(
    { source: 'csv', appId: APP.id, sdkAppId: APP.sdkAppId, region: 'china', operator: 'ann', users: ids.map((account) => ({ account, attrs: ['sex'] })) },
    { operator: 'ann', clientIp: null, action: 'run-started' },
  );
  await expect.poll(async () => (await harness.store.runs.get(runId))!.pending, { timeout: 120_000, interval: 100 }).toBeLessThanOrEqual(USERS * 0.7);

  const sender = await owner();
  const victim = consoles.find((c) => c.pid === sender)!;
  victim.child.kill('SIGSTOP');
  const frozenAt = Date.now();
  const other = consoles.find((c) => c !== victim)!;
  await expect.poll(() => other.events.some((e) => e.event === 'worker.app-taken' && Date.parse(e.t) > frozenAt), { timeout: 60_000, interval: 250 }).toBe(true);
  const takenAfterMs = Math.min(...other.events.filter((e) => e.event === 'worker.app-taken' && Date.parse(e.t) > frozenAt).map((e) => Date.parse(e.t) - frozenAt));
  await expect.poll(async () => (await harness.store.runs.get(runId))!.status, { timeout: 120_000, interval: 250 }).toBe('completed');
  const done = (await harness.store.runs.get(runId))!;
  const sent = { ...harness.sim.stats(APP.sdkAppId).byApi };

  // Woken, the old sender finds its lease lapsed: whatever it had in flight is neither sent again nor recorded.
  victim.child.kill('SIGCONT');
  await expect.poll(() => victim.events.some((e) => e.event === 'run.pass-ended' && e.runId === runId && e.status === 'halted'), { timeout: 30_000, interval: 250 }).toBe(true);
  await new Promise((resolve) => setTimeout(resolve, 2_000));
  const stats = harness.sim.stats(APP.sdkAppId);
  console.log(JSON.stringify({ takenAfterMs, byApi: stats.byApi, maxPerSecondByApi: stats.maxPerSecondByApi }));

  await harness.expectTakenOver(APP, { runId, takenAfterMs, done, sent });

  for (const c of consoles) c.child.kill('SIGTERM');
  expect(await Promise.all(consoles.map((c) => c.exited))).toEqual([143, 143]);
});
