import { describe, expect, it } from 'vitest';
import { sameBudget } from '../../test-support/budgets';
import { simulatorAndDatabase } from '../../test-support/sim-and-database';
import { DEFAULT_RETRY_POLICY } from '../tim/policy';
import { createRateLimiter, realClock } from '../tim/rate-limiter';
import type { AuditAction } from '../audit/types';
import type { RunKind } from '../runs/state-machine';
import type { RunStore } from '../store/store';
import type { CallResult, TimClient } from '../tim/client';
import { TIM_PATHS } from '../tim/wire';
import { executeRun } from './execute-run';

const APP = 1400000000;
const KEY = 'values-test-key';

/** u0–u299 have city and tier, u300–u599 city only, u600–u949 neither; u950–u999 do not exist (70107). */
const ids = Array.from({ length: 1000 }, (_, i) => `u${i}`);
function seedValues(i: number): Record<string, string> {
  if (i < 300) return { city: `c${i % 7}`, tier: `t${i % 3}`, sex: 'f' };
  if (i < 600) return { city: `c${i % 7}`, sex: 'm' };
  return { sex: 'm' };
}
const seeded = Object.fromEntries(ids.slice(0, 950).map((id, i) => [id, seedValues(i)]));

const { env, timClient } = simulatorAndDatabase({ sdkAppId: APP, secretKey: KEY, attrNames: ['city', 'tier', 'sex'], users: seeded, latencyMs: 2 });

/** The real client, with this say over single calls (a path and the accounts it carries). */
function intercepted(decide: (path: string, accounts: string[]) => CallResult | null | Promise<CallResult | null>): { client: TimClient; paths: string[] } {
  const real = timClient();
  const paths: string[] = [];
  return {
    paths,
    client: {
      ...real,
      call: async (path, body) => {
        paths.push(path);
        const b = body as { To_Account?: string[]; UserAttrs?: { To_Account: string }[] };
        const accounts = b.To_Account ?? b.UserAttrs?.map((u) => u.To_Account) ?? [];
        return (await decide(path, accounts)) ?? real.call(path, body);
      },
    },
  };
}

const quickPolicy = { ...DEFAULT_RETRY_POLICY, baseDelayMs: 1, maxDelayMs: 2 };
const store = () => env.store;
const by = { operator: 'ann', clientIp: null };
/** The audit row the store writes with each run it makes. */
const audit = (action: AuditAction) => (runId: number, users: number) => ({ ...by, action, runId, detail: { users } });
const run = (runId: number, kind: RunKind, client: TimClient = timClient(), runs: RunStore = store().runs) =>
  executeRun(runId, { runs, kind, client, budgets: sameBudget(createRateLimiter(1000)), clock: realClock, concurrency: 4, policy: quickPolicy });
const newRun = async (kind: RunKind, attrs = ['city', 'tier']) =>
  (await store().runs.create({ source: 'csv', kind, appId: 'default', sdkAppId: APP, region: 'china', operator: 'ann', users: ids.map((account) => ({ account, attrs })) }, { ...by, action: 'run-started' })).runId;
const users = (runId: number) => store().runs.users(runId, { limit: 2000 });

/** The store, failing to record the first batch as a full or broken disk would, after that batch's request went out. */
function failingFirstRecord(): RunStore {
  const actual = store().runs;
  let recorded = 0;
  return {
    ...actual,
    recordOutcomes: async (...args) => {
      if (++recorded === 1) throw new Error('SQLITE_IOERR: disk I/O error');
      return actual.recordOutcomes(...args);
    },
  };
}
const simUser = (id: string) => env.sim.getUser(id);

async function setAttr(account: string, attrs: Record<string, string>) {
  const r = await timClient().call(TIM_PATHS.setAttr, { UserAttrs: [{ To_Account: account, Attrs: attrs }] });
  expect(r.kind === 'reply' && r.reply.ErrorCode).toBe(0);
}

describe('dry run', () => {
  it('reads every user’s current values, counts them per attribute, lists the unknown users and changes nothing', async () => {
    const checkId = await newRun('check');
    expect(await run(checkId, 'check')).toEqual({ status: 'completed' });
    expect(env.sim.stats()).toMatchObject({ byApi: { get_attr: 10, remove_attr: 0, set_attr: 0 } });
    expect(await store().runs.get(checkId)).toMatchObject({ kind: 'check', status: 'completed', succeeded: 950, failed: 50, withValues: 600 });
    expect(await store().runs.attrCounts(checkId)).toEqual([
      { attr: 'city', asked: 950, withValue: 600 },
      { attr: 'tier', asked: 950, withValue: 300 },
    ]);
    const all = await users(checkId);
    expect(all[0]).toMatchObject({ userId: 'u0', result: 'checked', values: { city: 'c0', tier: 't0' } });
    expect(all[650]).toMatchObject({ userId: 'u650', result: 'checked', values: {} });
    expect(all.filter((u) => u.result === 'failed').map((u) => [u.userId, u.failure?.code])).toEqual(ids.slice(950).map((id) => [id, 70107]));
    for (const [id, values] of Object.entries(seeded)) expect(simUser(id), id).toEqual(values);
  });

  it('leads to a removal of the same users and attributes, once per request key', async () => {
    const checkId = await newRun('check');
    await run(checkId, 'check');
    const started = await store().runs.createFromCheck(checkId, { requestKey: 'key-0123456789abcdef', operator: 'ann' }, audit('run-started'));
    expect(started).toMatchObject({ ok: true, users: 1000, existing: false });
    expect(await store().runs.createFromCheck(checkId, { requestKey: 'key-0123456789abcdef', operator: 'ann' }, audit('run-started'))).toEqual({ ...started, existing: true });
    if (!started.ok) throw new Error('not started');
    expect(await store().runs.get(started.runId)).toMatchObject({ kind: 'remove', parentRunId: checkId, attrs: ['city', 'tier'], total: 1000 });
    expect(await store().runs.createFromCheck(started.runId, { requestKey: 'key-fedcba9876543210', operator: 'ann' }, audit('run-started'))).toEqual({ ok: false, refusal: 'not-a-check' });
  });
});

describe('retry', () => {
  it('of a dry run is a dry run: it reads again and removes nothing; of a restore it is refused', async () => {
    const checkId = await newRun('check');
    const second = new Set(ids.slice(100, 200));
    const { client } = intercepted((path, accounts) =>
      path === TIM_PATHS.getAttr && accounts.some((a) => second.has(a)) ? { kind: 'transport', failure: 'http-5xx', detail: 'HTTP 503' } : null,
    );
    await run(checkId, 'check', client);
    const retry = await store().runs.createRetry(checkId, ['transport.http-5xx'], 'ann', audit('run-retried'));
    if (!retry.ok) throw new Error(retry.refusal);
    expect(await store().runs.get(retry.runId)).toMatchObject({ kind: 'check', source: 'retry', total: 100 });
    env.sim.clearRequests();
    await run(retry.runId, 'check');
    expect(await store().runs.get(retry.runId)).toMatchObject({ succeeded: 100 });
    expect(env.sim.requests().filter((r) => r.api !== 'get_attr')).toEqual([]);
    for (const id of second) expect(simUser(id), id).toEqual(seeded[id]);

    const removalId = await newRun('remove');
    await run(removalId, 'remove');
    const restore = await store().runs.createRestore(removalId, 'ann', audit('restore-started'));
    if (!restore.ok) throw new Error(restore.refusal);
    await run(restore.runId, 'restore');
    expect(await store().runs.createRetry(restore.runId, ['transport.http-5xx'], 'ann', audit('run-retried'))).toEqual({ ok: false, refusal: 'restore-run' });
  });
});

describe('users copied while the run sends', () => {
  /** The store, copying 100 users a slice, so 1,000 take ten slices interleaved with the batches. */
  const slowCopy = (): RunStore => ({ ...store().runs, copyUsers: (runId) => store().runs.copyUsers(runId, 100) });

  it('a removal from a dry run starts before its users are all copied, and removes every one of them once', async () => {
    const checkId = await newRun('check');
    await run(checkId, 'check');
    const started = await store().runs.createFromCheck(checkId, { requestKey: 'key-slices-0123456789', operator: 'ann' }, audit('run-started'));
    if (!started.ok) throw new Error(started.refusal);
    expect(await users(started.runId)).toEqual([]);
    expect(await store().runs.get(started.runId)).toMatchObject({ total: 1000, pending: 1000 });
    env.sim.clearRequests();
    expect(await run(started.runId, 'remove', timClient(), slowCopy())).toEqual({ status: 'completed' });
    expect(await store().runs.get(started.runId)).toMatchObject({ succeeded: 600, nothingToRemove: 350, failed: 50, notSent: 0, pending: 0 });
    expect((await users(started.runId)).map((u) => u.userId)).toEqual(ids);
    const removed = env.sim.requests().filter((r) => r.api === 'remove_attr').flatMap((r) => r.accounts ?? []);
    expect(removed.length).toBe(600);
    expect(new Set(removed).size).toBe(600);
  });

  it('cancelled mid-copy: the copy completes and every user not sent says so', async () => {
    const checkId = await newRun('check');
    await run(checkId, 'check');
    const started = await store().runs.createFromCheck(checkId, { requestKey: 'key-slices-cancel-0123', operator: 'ann' }, audit('run-started'));
    if (!started.ok) throw new Error(started.refusal);
    const { client } = intercepted((path) => {
      if (path === TIM_PATHS.removeAttr) void store().runs.requestCancel(started.runId, { ...by, action: 'run-cancelled' });
      return null;
    });
    expect(await run(started.runId, 'remove', client, slowCopy())).toEqual({ status: 'cancelled' });
    const after = (await store().runs.get(started.runId))!;
    expect(after.succeeded + after.failed + after.notSent).toBe(1000);
    expect(after.notSent).toBeGreaterThan(0);
    expect(await users(started.runId)).toHaveLength(1000);
  });

  it('a restore is sized by the counters and gets exactly the restorable users', async () => {
    const removalId = await newRun('remove');
    await run(removalId, 'remove');
    const restore = await store().runs.createRestore(removalId, 'ann', audit('restore-started'));
    if (!restore.ok) throw new Error(restore.refusal);
    expect(restore.users).toBe(600);
    await run(restore.runId, 'restore', timClient(), { ...store().runs, copyUsers: (runId) => store().runs.copyUsers(runId, 100) });
    expect(await store().runs.get(restore.runId)).toMatchObject({ total: 600, succeeded: 600, pending: 0 });
    expect((await users(restore.runId)).map((u) => u.userId)).toEqual(ids.slice(0, 600));
  });
});

describe('removal with its snapshot', () => {
  it('stores, with each user’s outcome, the values its batch read just before removing them', async () => {
    const removalId = await newRun('remove');
    // At every remove_attr, the users it carries must already have their snapshot in the database.
    const unkept: string[] = [];
    const { client, paths } = intercepted(async (path, accounts) => {
      if (path !== TIM_PATHS.removeAttr) return null;
      const byId = new Map((await users(removalId)).map((u) => [u.userId, u]));
      for (const a of accounts) if (Object.keys(seeded[a] ?? {}).some((k) => k !== 'sex') && byId.get(a)?.values === null) unkept.push(a);
      return null;
    });
    expect(await run(removalId, 'remove', client)).toEqual({ status: 'completed' });
    expect(unkept).toEqual([]);
    // Each batch's get_attr goes out right before its remove_attr.
    expect(paths.filter((p) => p === TIM_PATHS.getAttr)).toHaveLength(10);
    expect(await store().runs.get(removalId)).toMatchObject({ succeeded: 600, nothingToRemove: 350, failed: 50, withValues: 600 });
    for (const u of (await users(removalId)).slice(0, 950)) {
      const before = seeded[u.userId]!;
      const expected = Object.fromEntries(Object.entries(before).filter(([k]) => k !== 'sex'));
      expect(u.values, u.userId).toEqual(expected);
      expect(simUser(u.userId), u.userId).toEqual({ sex: before.sex });
    }
  });

  it('settles a user with no value for any attribute as nothing to remove, without a remove_attr; an unknown user still fails', async () => {
    env.sim.clearRequests();
    const removalId = await newRun('remove');
    expect(await run(removalId, 'remove')).toEqual({ status: 'completed' });
    const all = await users(removalId);
    const withResult = (result: string) => all.filter((u) => u.result === result);
    expect(withResult('removed').map((u) => u.userId)).toEqual(ids.slice(0, 600));
    expect(withResult('nothing_to_remove').map((u) => u.userId)).toEqual(ids.slice(600, 950));
    expect(withResult('failed').map((u) => [u.userId, u.failure?.code])).toEqual(ids.slice(950).map((id) => [id, 70107]));
    const sentTo = new Set(env.sim.requests().filter((r) => r.api === 'remove_attr').flatMap((r) => r.accounts ?? []));
    expect(ids.slice(600).filter((id) => sentTo.has(id))).toEqual([]);
    // Nothing was taken from them, so a restore leaves them out.
    const restore = await store().runs.createRestore(removalId, 'ann', audit('restore-started'));
    expect(restore).toMatchObject({ ok: true, users: 600 });
  });

  it('does not remove a batch whose snapshot cannot be read: its users fail with that reason, untouched', async () => {
    const removalId = await newRun('remove');
    const second = new Set(ids.slice(100, 200));
    const { client } = intercepted((path, accounts) =>
      path === TIM_PATHS.getAttr && accounts.some((a) => second.has(a)) ? { kind: 'transport', failure: 'http-5xx', detail: 'HTTP 503' } : null,
    );
    expect(await run(removalId, 'remove', client)).toEqual({ status: 'completed' });
    const failed = (await users(removalId)).filter((u) => second.has(u.userId));
    expect(failed.every((u) => u.result === 'failed' && u.failure?.key === 'transport.http-5xx' && u.values === null)).toBe(true);
    expect(failed).toHaveLength(100);
    expect(env.sim.requests().filter((r) => r.api === 'remove_attr' && (r.accounts ?? []).some((a) => second.has(a)))).toEqual([]);
    for (const id of second) expect(simUser(id)).toEqual(seeded[id]);
    expect(await store().runs.get(removalId)).toMatchObject({ succeeded: 500, nothingToRemove: 350, failed: 150 });
  });

  it('keeps the snapshot of a batch removed just before a crash: the pass that resumes it rereads nothing lost', async () => {
    const removalId = await newRun('remove');
    const crashing = failingFirstRecord();
    expect(await run(removalId, 'remove', timClient(), crashing)).toEqual({ status: 'halted', reason: 'error' });
    expect(await run(removalId, 'remove')).toEqual({ status: 'completed' });
    for (const u of (await users(removalId)).slice(0, 950)) {
      const expected = Object.fromEntries(Object.entries(seeded[u.userId]!).filter(([k]) => k !== 'sex'));
      expect(u.values, u.userId).toEqual(expected);
    }
  });
});

describe('restore', () => {
  async function removed(): Promise<number> {
    const removalId = await newRun('remove');
    await run(removalId, 'remove');
    return removalId;
  }

  it('writes back exactly what was removed, and skips an attribute set again since, never overwriting it', async () => {
    const removalId = await removed();
    expect(await store().runs.restoreState((await store().runs.get(removalId))!)).toMatchObject({ kind: 'restorable', users: 600 });
    await setAttr('u1', { city: 'set-later' });
    await setAttr('u301', { city: 'set-later' });
    const restore = await store().runs.createRestore(removalId, 'ann', audit('restore-started'));
    if (!restore.ok) throw new Error(restore.refusal);
    expect(restore.users).toBe(600);
    env.sim.clearRequests();
    expect(await run(restore.runId, 'restore')).toEqual({ status: 'completed' });

    expect(await store().runs.get(restore.runId)).toMatchObject({ kind: 'restore', parentRunId: removalId, succeeded: 599, skipped: 1, failed: 0 });
    const byId = new Map((await users(restore.runId)).map((u) => [u.userId, u]));
    expect(byId.get('u1')).toMatchObject({ result: 'restored', skipped: ['city'] });
    expect(byId.get('u301')).toMatchObject({ result: 'skipped', skipped: ['city'] });
    expect(simUser('u1')).toEqual({ ...seeded.u1, city: 'set-later' });
    expect(simUser('u301')).toEqual({ ...seeded.u301, city: 'set-later' });
    for (const [id, values] of Object.entries(seeded)) if (id !== 'u1' && id !== 'u301') expect(simUser(id), id).toEqual(values);

    // No user got a set_attr for an attribute it did not lose, nor one set again since.
    for (const r of env.sim.requests().filter((e) => e.api === 'set_attr')) {
      for (const a of r.accounts ?? []) {
        expect(byId.get(a)?.result, a).toBe('restored');
      }
    }
    expect(await store().runs.restoreState((await store().runs.get(removalId))!)).toMatchObject({ kind: 'none', reason: 'all-restored' });
  });

  it('a second restore writes back only what the first did not', async () => {
    const removalId = await removed();
    const first = await store().runs.createRestore(removalId, 'ann', audit('restore-started'));
    if (!first.ok) throw new Error(first.refusal);
    const refused = new Set(ids.slice(0, 100));
    const { client } = intercepted((path, accounts) => (path === TIM_PATHS.setAttr && accounts.some((a) => refused.has(a)) ? { kind: 'transport', failure: 'http-5xx', detail: 'HTTP 500' } : null));
    await run(first.runId, 'restore', client);
    expect(await store().runs.get(first.runId)).toMatchObject({ succeeded: 500, failed: 100 });
    expect(await store().runs.restoreState((await store().runs.get(removalId))!)).toMatchObject({ kind: 'restorable', users: 100 });

    const second = await store().runs.createRestore(removalId, 'ann', audit('restore-started'));
    if (!second.ok) throw new Error(second.refusal);
    expect(second.users).toBe(100);
    // Its users are copied while it runs.
    expect(await users(second.runId)).toEqual([]);
    await run(second.runId, 'restore');
    expect((await users(second.runId)).map((u) => u.userId)).toEqual([...refused]);
    for (const [id, values] of Object.entries(seeded)) expect(simUser(id), id).toEqual(values);
    expect(await store().runs.createRestore(removalId, 'ann', audit('restore-started'))).toEqual({ ok: false, refusal: 'nothing-to-restore' });
  });

  it('resumed after its set_attr went out but before it was recorded, counts the values already back as restored', async () => {
    const removalId = await removed();
    const restore = await store().runs.createRestore(removalId, 'ann', audit('restore-started'));
    if (!restore.ok) throw new Error(restore.refusal);
    const crashing = failingFirstRecord();
    expect(await run(restore.runId, 'restore', timClient(), crashing)).toEqual({ status: 'halted', reason: 'error' });
    expect(await run(restore.runId, 'restore')).toEqual({ status: 'completed' });
    expect(await store().runs.get(restore.runId)).toMatchObject({ succeeded: 600, skipped: 0, failed: 0 });
    for (const [id, values] of Object.entries(seeded)) expect(simUser(id), id).toEqual(values);
  });

  it('purges a dry run’s values too, and audits only runs that held some', async () => {
    const checkId = await newRun('check');
    await run(checkId, 'check');
    const emptyId = (await store().runs.create({ source: 'form', appId: 'default', sdkAppId: APP, region: 'china', operator: 'ann', users: [{ account: 'u700', attrs: ['city'] }] }, { ...by, action: 'run-started' })).runId;
    await run(emptyId, 'remove');
    const audit = (runId: number, users: number) => ({ action: 'values-purged' as const, operator: null, clientIp: null, runId, detail: { users, days: 30 } });
    expect(await store().runs.purgeValues(Date.now() + 1000, audit)).toEqual([checkId]);
    expect((await users(checkId)).filter((u) => u.values !== null && Object.keys(u.values).length > 0)).toEqual([]);
    expect((await store().runs.get(emptyId))!.valuesPurgedAt).not.toBeNull();
    expect(await store().runs.purgeValues(Date.now() + 1000, audit)).toEqual([]);
    expect((await store().audit.list({ action: 'values-purged', limit: 5 })).map((e) => e.runId)).toEqual([checkId]);
  });

  it('is refused for a check, a running removal, and once the values are purged', async () => {
    const checkId = await newRun('check');
    expect(await store().runs.createRestore(checkId, 'ann', audit('restore-started'))).toEqual({ ok: false, refusal: 'not-a-removal' });
    const removalId = await newRun('remove');
    expect(await store().runs.createRestore(removalId, 'ann', audit('restore-started'))).toEqual({ ok: false, refusal: 'still-running' });
    await run(removalId, 'remove');
    const purged = await store().runs.purgeValues(Date.now() + 1000, (runId, count) => ({ action: 'values-purged', operator: null, clientIp: null, runId, detail: { users: count, days: 30 } }));
    expect(purged).toEqual([removalId]);
    expect((await users(removalId)).every((u) => u.values === null || Object.keys(u.values).length === 0)).toBe(true);
    expect(await store().runs.createRestore(removalId, 'ann', audit('restore-started'))).toEqual({ ok: false, refusal: 'purged' });
    expect(await store().runs.restoreState((await store().runs.get(removalId))!)).toMatchObject({ kind: 'none', reason: 'purged' });
    expect(await store().audit.list({ action: 'values-purged', limit: 5 })).toMatchObject([{ runId: removalId, detail: { users: 600, days: 30 } }]);
  });
});
