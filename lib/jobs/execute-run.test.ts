import { describe, expect, it } from 'vitest';
import { simulatorAndDatabase } from '../../test-support/sim-and-database';
import type { RunStore } from '../store/store';
import { createRateLimiter, realClock } from '../tim/rate-limiter';
import { sameBudget } from '../../test-support/budgets';
import type { TimClient } from '../tim/client';
import { COPY_AHEAD } from './copy-users';
import { executeRun } from './execute-run';

const APP = 1400000000;
const KEY = 'job-test-key';
const USERS = 1000;
const ids = Array.from({ length: USERS }, (_, i) => `u${i}`);

const { env, timClient } = simulatorAndDatabase({
  sdkAppId: APP,
  secretKey: KEY,
  attrNames: ['city', 'tier'],
  users: Object.fromEntries(ids.slice(0, USERS - 50).map((id) => [id, { city: 'x', tier: 'y' }])),
  latencyMs: 5,
});

const store = () => env.store;
const by = { operator: null, clientIp: null };
const newRun = async () =>
  (await store().runs.create({ source: 'csv', appId: 'default', sdkAppId: APP, region: 'china', operator: null, users: ids.map((account) => ({ account, attrs: ['city'] })) }, { ...by, action: 'run-started' })).runId;

describe('executeRun against the simulator and a real SQLite file', () => {
  it('accounts for every user: removed, or failed with 70107 for the 50 unknown ones', async () => {
    const runId = await newRun();
    const end = await executeRun(runId, { runs: store().runs, client: timClient(), budgets: sameBudget(createRateLimiter(1000)), clock: realClock, concurrency: 4 });
    expect(end).toEqual({ status: 'completed' });
    // Each batch reads its snapshot (get_attr) before its remove_attr: 10 + 10 requests.
    expect(await store().runs.get(runId)).toMatchObject({ status: 'completed', succeeded: USERS - 50, failed: 50, notSent: 0, pending: 0, requests: 20 });
    expect(env.sim.getUser('u0')).toEqual({ tier: 'y' });
  });

  it('resumes after a crash mid-run: nothing skipped, nothing counted twice', async () => {
    const runId = await newRun();
    // The "crashed" process: its 4th request and everything after never come back and never write.
    const real = timClient();
    let calls = 0;
    const crashing: TimClient = { ...real, call: (path, body) => (++calls >= 4 ? new Promise(() => {}) : real.call(path, body)) };
    void executeRun(runId, { runs: store().runs, client: crashing, budgets: sameBudget(createRateLimiter(1000)), clock: realClock, concurrency: 2 });
    await expect.poll(() => calls, { timeout: 5000 }).toBeGreaterThanOrEqual(5);
    const before = (await store().runs.get(runId))!;
    expect(before.status).toBe('running');
    expect(before.pending).toBeGreaterThan(0);
    expect(before.succeeded).toBeGreaterThan(0);

    const end = await executeRun(runId, { runs: store().runs, client: timClient(), budgets: sameBudget(createRateLimiter(1000)), clock: realClock, concurrency: 4 });
    expect(end).toEqual({ status: 'completed' });
    const after = (await store().runs.get(runId))!;
    expect(after).toMatchObject({ status: 'completed', succeeded: USERS - 50, failed: 50, pending: 0, notSent: 0 });
    expect(after.succeeded + after.failed + after.notSent).toBe(after.total);
    const users = await store().runs.users(runId, { limit: USERS + 1 });
    expect(users.filter((u) => u.result === 'removed')).toHaveLength(USERS - 50);
    for (const id of ids.slice(0, USERS - 50)) expect(env.sim.getUser(id), id).toEqual({ tier: 'y' });
  });

  /** A one-lane pass whose client asks for the run's cancel with call `cancelAt` and may hold a call back: how it ended, and the calls that went out. */
  async function passCancelledAt(cancelAt: number, hold: (call: number) => Promise<void> = async () => {}) {
    const runId = await newRun();
    const real = timClient();
    let calls = 0;
    const client: TimClient = {
      ...real,
      call: async (path, body) => {
        const call = ++calls;
        if (call === cancelAt) void store().runs.requestCancel(runId, { ...by, action: 'run-cancelled' });
        await hold(call);
        return real.call(path, body);
      },
    };
    const end = await executeRun(runId, { runs: store().runs, client, budgets: sameBudget(createRateLimiter(1000)), clock: realClock, concurrency: 1 });
    return { runId, end, calls };
  }

  it('a cancel recorded in the database stops new batches and marks the rest "not sent"', async () => {
    // With the third batch's remove_attr: that batch has gone out whole, and none goes after it.
    // (At its get_attr, whether its remove_attr still went out would depend on when the
    // pass's poll of the cancel flag next fired.)
    const { runId, end, calls } = await passCancelledAt(6);
    expect(end).toEqual({ status: 'cancelled' });
    expect(calls).toBe(6);
    expect(await store().runs.get(runId)).toMatchObject({ status: 'cancelled', succeeded: 300, notSent: USERS - 300, pending: 0 });
  });

  it('records a batch in flight when the poll sees a cancel, before its outcomes are written', async () => {
    // The first batch's remove_attr answers after the poll (every half second) has read the cancel.
    const { runId, end, calls } = await passCancelledAt(1, async (call) => {
      if (call === 2) await new Promise((resolve) => setTimeout(resolve, 800));
    });
    expect(end).toEqual({ status: 'cancelled' });
    expect(calls).toBe(2);
    expect(await store().runs.get(runId)).toMatchObject({ status: 'cancelled', succeeded: 100, notSent: USERS - 100, pending: 0 });
  });

  it('learns of a cancel from each batch’s write, with no read of the flag per batch', async () => {
    const runId = await newRun();
    let reads = 0;
    const runs: RunStore = { ...store().runs, isCancelRequested: (id) => (reads++, store().runs.isCancelRequested(id)) };
    const started = Date.now();
    const end = await executeRun(runId, { runs, client: timClient(), budgets: sameBudget(createRateLimiter(1000)), clock: realClock, concurrency: 1 });
    expect(end).toEqual({ status: 'completed' });
    // Ten batches: one read as the pass starts, and the poll's every half second however long the pass took (one more per batch before).
    expect(reads).toBeLessThanOrEqual(2 + Math.floor((Date.now() - started) / 500));
  });

  it('a database error while recording a batch stops every lane before another request, and the run resumes whole', async () => {
    const runId = await newRun();
    const real = timClient();
    let calls = 0;
    let callsAtFailure = -1;
    const counting: TimClient = { ...real, call: (path, body) => (calls++, real.call(path, body)) };
    // The store fails on the third batch it records, as a full disk or a locked file would.
    let recorded = 0;
    const actual = store().runs;
    const failing: RunStore = {
      ...actual,
      recordOutcomes: async (...args) => {
        if (++recorded === 3) {
          callsAtFailure = calls;
          throw new Error('SQLITE_FULL: database or disk is full');
        }
        return actual.recordOutcomes(...args);
      },
    };
    const end = await executeRun(runId, { runs: failing, client: counting, budgets: sameBudget(createRateLimiter(1000)), clock: realClock, concurrency: 4 });
    expect(end).toEqual({ status: 'halted', reason: 'error' });
    // Lanes already waiting on an answer finish; none sends again after the failure.
    expect(calls).toBeLessThanOrEqual(callsAtFailure);
    const halted = (await store().runs.get(runId))!;
    expect(halted).toMatchObject({ status: 'running', notSent: 0 });
    expect(halted.pending).toBeGreaterThanOrEqual(100);

    const resumed = await executeRun(runId, { runs: store().runs, client: timClient(), budgets: sameBudget(createRateLimiter(1000)), clock: realClock, concurrency: 4 });
    expect(resumed).toEqual({ status: 'completed' });
    expect(await store().runs.get(runId)).toMatchObject({ status: 'completed', succeeded: USERS - 50, failed: 50, notSent: 0, pending: 0 });
  });

  it('a removal from a dry run cancelled while its users are still being copied marks every one of them, copied after the cancel or not', async () => {
    const many = Array.from({ length: 3 * COPY_AHEAD }, (_, i) => `c${i}`);
    const { runId: checkId } = await store().runs.create(
      { source: 'csv', kind: 'check', appId: 'default', sdkAppId: APP, region: 'china', operator: null, users: many.map((account) => ({ account, attrs: ['city'] })) },
      { ...by, action: 'check-started' },
    );
    await store().runs.finish(checkId, { status: 'completed' });
    const removal = await store().runs.createFromCheck(checkId, { requestKey: 'key-cancel-copy-0123', operator: 'ann' }, (id, n) => ({ ...by, action: 'run-started', runId: id, detail: { users: n } }));
    if (!removal.ok) throw new Error(removal.refusal);
    const real = timClient();
    let calls = 0;
    const cancelling: TimClient = {
      ...real,
      call: (path, body) => {
        if (++calls === 1) void store().runs.requestCancel(removal.runId, { ...by, action: 'run-cancelled' });
        return real.call(path, body);
      },
    };
    const end = await executeRun(removal.runId, { runs: store().runs, client: cancelling, budgets: sameBudget(createRateLimiter(1000)), clock: realClock, concurrency: 1 });
    expect(end).toEqual({ status: 'cancelled' });
    const run = (await store().runs.get(removal.runId))!;
    expect(run).toMatchObject({ status: 'cancelled', total: many.length, pending: 0 });
    expect(run.succeeded + run.failed + run.notSent).toBe(many.length);
    expect(run.notSent).toBeGreaterThan(2 * COPY_AHEAD);
  });

  describe('pacing over real HTTP', () => {
    // 60 batches, most of unknown users (70107): enough to fill several seconds of a low ceiling.
    const wide = Array.from({ length: 6000 }, (_, i) => `u${i}`);
    const wideRun = async () =>
      (await store().runs.create({ source: 'csv', appId: 'default', sdkAppId: APP, region: 'china', operator: null, users: wide.map((account) => ({ account, attrs: ['city'] })) }, { ...by, action: 'run-started' })).runId;

    it('keeps every second at the server at or under the ceiling, with nothing rejected', async () => {
      env.sim.setConfig({ qpsLimit: 20, latencyMs: 20, latencyJitterMs: 15 });
      const runId = await wideRun();
      const end = await executeRun(runId, { runs: store().runs, client: timClient(), budgets: sameBudget(createRateLimiter(20)), clock: realClock, concurrency: 8 });
      expect(end).toEqual({ status: 'completed' });
      // 60 snapshots; only the 10 batches with known users are sent remove_attr (the rest failed 70107 at get_attr).
      expect(env.sim.stats()).toMatchObject({ requests: 70, byApi: { get_attr: 60, remove_attr: 10 }, rateLimited: 0 });
      expect(env.sim.stats().maxPerSecond).toBeLessThanOrEqual(20);
      expect(env.sim.stats().maxPerSecond).toBeGreaterThanOrEqual(18);
    });

    it('answers a server whose limit is below the configured ceiling by slowing down: its 60007s fail no user', async () => {
      env.sim.setConfig({ qpsLimit: 20, latencyMs: 10 });
      const runId = await wideRun();
      const end = await executeRun(runId, { runs: store().runs, client: timClient(), budgets: sameBudget(createRateLimiter(40)), clock: realClock, concurrency: 8 });
      expect(end).toEqual({ status: 'completed' });
      expect(env.sim.stats().rateLimited).toBeGreaterThan(0);
      expect(await store().runs.get(runId)).toMatchObject({ status: 'completed', succeeded: USERS - 50, failed: wide.length - (USERS - 50), pending: 0 });
      expect((await store().runs.users(runId, { limit: wide.length + 1 })).filter((u) => u.failure?.code !== 70107 && u.result !== 'removed')).toEqual([]);
    });
  });
});
