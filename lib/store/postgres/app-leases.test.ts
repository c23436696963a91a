import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LeaseLost } from '../../lease/fence';
import { LEASE_TTL_MS, type LeaseIdentity } from '../../lease/lease';
import { AppOwnership } from '../../jobs/app-ownership';
import type { Store } from '../store';
import { freshPostgres, type FreshPostgres } from './test-database';

let db: FreshPostgres;
let one: Store;
let two: Store;
beforeEach(async () => {
  db = await freshPostgres();
  // Two pools, as two console processes open the database.
  one = db.open();
  two = db.open();
});
afterEach(() => db.dispose());

const a: LeaseIdentity = { id: 'a', pid: 101, host: 'h1' };
const b: LeaseIdentity = { id: 'b', pid: 202, host: 'h1' };
const alive = (nowMs: number) => ({ nowMs, isAlive: () => true });
const leases = (store: Store) => store.appLeases!;
const newRun = (appId: string, ids: string[]) => ({ source: 'csv' as const, appId, sdkAppId: 1400000000, region: 'china', operator: 'ann', users: ids.map((account) => ({ account, attrs: ['sex'] })) });
const removed = (seq: number, account: string) => ({ seq, account, status: 'removed' as const, attempts: 1 });

describe('app leases (one sending process per app, Postgres)', () => {
  it('is taken over once it lapses, with a higher fencing token; the old holder can no longer renew it', async () => {
    const now = Date.now();
    const first = await leases(one).take(a, 'prod', alive(now));
    expect(first).toEqual({ scope: 'app', appId: 'prod', holder: 'a', token: 1 });
    expect(await leases(two).take(b, 'prod', alive(now + LEASE_TTL_MS - 1))).toBeNull();
    const second = await leases(two).take(b, 'prod', alive(now + LEASE_TTL_MS));
    expect(second).toEqual({ scope: 'app', appId: 'prod', holder: 'b', token: 2 });
    expect(await leases(one).renew([first!], { nowMs: now + LEASE_TTL_MS + 1 })).toEqual([]);
    expect(await leases(two).renew([second!], { nowMs: now + LEASE_TTL_MS + 1 })).toEqual([second]);
    // Other apps are leased apart.
    expect(await leases(one).take(a, 'staging', alive(now))).toMatchObject({ appId: 'staging', token: 1 });
  });

  it('is taken at once from a holder on this host whose process is gone', async () => {
    const now = Date.now();
    await leases(one).take(a, 'prod', alive(now));
    expect(await leases(two).take(b, 'prod', { nowMs: now + 1, isAlive: (pid) => pid !== a.pid })).toMatchObject({ holder: 'b', token: 2 });
  });

  it('refuses every write of a pass that carries a stale token, and records nothing of it', async () => {
    const now = Date.now();
    const stale = (await leases(one).take(a, 'prod', alive(now - LEASE_TTL_MS)))!;
    const { runId } = await one.runs.create(newRun('prod', ['u1', 'u2', 'u3']), { operator: 'ann', clientIp: null, action: 'run-started' });
    const fresh = (await leases(two).take(b, 'prod', alive(now)))!;
    expect(fresh.token).toBe(stale.token + 1);

    const asA = one.runs.fenced(stale);
    await expect(asA.keepValues(runId, [{ seq: 1, values: { sex: 'f' } }])).rejects.toBeInstanceOf(LeaseLost);
    await expect(asA.recordOutcomes(runId, [removed(1, 'u1')], 1)).rejects.toBeInstanceOf(LeaseLost);
    await expect(asA.finish(runId, { status: 'cancelled' })).rejects.toBeInstanceOf(LeaseLost);
    expect(await one.runs.get(runId)).toMatchObject({ status: 'running', succeeded: 0, requests: 0, pending: 3 });
    expect(await one.runs.progress(runId)).toEqual([]);
    expect((await one.runs.pendingTargets(runId, 0, 10)).map((t) => t.values)).toEqual([null, null, null]);

    const asB = two.runs.fenced(fresh);
    await asB.recordOutcomes(runId, [removed(1, 'u1')], 1);
    expect(await one.runs.get(runId)).toMatchObject({ succeeded: 1, requests: 1 });
    // The fence of one app never covers another's runs: a token is per app.
    await expect(two.runs.fenced({ ...fresh, appId: 'staging' }).recordOutcomes(runId, [removed(2, 'u2')], 1)).rejects.toBeInstanceOf(LeaseLost);
  });

  it('gives an app to one of two processes asking at the same moment, free or lapsed, round after round', async () => {
    let now = Date.now();
    for (let round = 0; round < 10; round++) {
      const both = await Promise.all([leases(one).take(a, 'prod', alive(now)), leases(two).take(b, 'prod', alive(now))]);
      expect(both.filter((f) => f !== null)).toHaveLength(1);
      expect((await leases(one).list()).map((l) => [l.holder, l.token])).toEqual([[both[0] ? 'a' : 'b', round + 1]]);
      now += LEASE_TTL_MS;
    }
  });

  it('lets another process take an app at once once its holder released it, and not before', async () => {
    const now = Date.now();
    const held = (await leases(one).take(a, 'prod', alive(now)))!;
    expect(await leases(two).take(b, 'prod', alive(now + 1))).toBeNull();
    expect(await leases(one).release(held, now + 2)).toBe(true);
    expect(await leases(two).take(b, 'prod', alive(now + 3))).toMatchObject({ holder: 'b', token: 2 });
    // A release carries the fence too: the old holder cannot free what is no longer its own.
    expect(await leases(one).release(held, now + 4)).toBe(false);
    expect(await leases(one).take(a, 'prod', alive(now + 5))).toBeNull();
  });

  it('lists the live processes that are not leaving', async () => {
    const now = Date.now();
    expect(await leases(one).beat(a, { nowMs: now })).toEqual([a]);
    expect(await leases(two).beat(b, { nowMs: now })).toEqual([a, b]);
    expect(await leases(one).beat(a, { nowMs: now + 1, leaving: true })).toEqual([b]);
    expect(await leases(two).beat(b, { nowMs: now + LEASE_TTL_MS + 1 })).toEqual([b]);
  });
});

describe('apps spread over the live processes', () => {
  const ownership = (store: Store, me: LeaseIdentity, apps: string[], isAlive: (pid: number) => boolean = () => true) =>
    new AppOwnership({ appLeases: store.appLeases!, lease: store.lease, me, apps: () => apps, busy: () => false, isAlive });
  const holders = async () => Object.fromEntries((await leases(one).list()).filter((l) => l.expiresMs > Date.now()).map((l) => [l.appId, l.holder]));
  const count = (held: Record<string, string>, id: string) => Object.values(held).filter((h) => h === id).length;

  it('gives 2 and 1 of 3 apps to 2 processes, the first releasing its extra to the newcomer, and then stays put', async () => {
    const apps = ['prod', 'staging', 'test'];
    const first = ownership(one, a, apps);
    const second = ownership(two, b, apps);
    await first.beat(Date.now());
    expect(count(await holders(), 'a')).toBe(3);
    await second.beat(Date.now());
    await first.beat(Date.now());
    await second.beat(Date.now());
    const shared = await holders();
    expect([count(shared, 'a'), count(shared, 'b')]).toEqual([2, 1]);
    for (let i = 0; i < 3; i++) {
      await first.beat(Date.now());
      await second.beat(Date.now());
    }
    expect(await holders()).toEqual(shared);
    const status = first.status(Date.now());
    expect(status.role === 'shared' && status.apps.map((s) => s.state)).toEqual(['sending', 'sending', 'sending']);
  });

  it('gives a dead process’s apps to the one left on its host at its next beat, with new tokens', async () => {
    const apps = ['prod', 'staging', 'test'];
    const first = ownership(one, a, apps);
    let firstAlive = true;
    const second = ownership(two, b, apps, (pid) => pid !== a.pid || firstAlive);
    await first.beat(Date.now());
    await second.beat(Date.now());
    await first.beat(Date.now());
    await second.beat(Date.now());
    expect(count(await holders(), 'a')).toBe(2);
    firstAlive = false;
    await second.beat(Date.now());
    expect(count(await holders(), 'b')).toBe(3);
    // Each app changed hands once: the newcomer's share, then the dead process's two.
    expect((await leases(one).list()).map((l) => l.token)).toEqual([2, 2, 2]);
  });

  it('lets every app go on leaving, to the process that stays', async () => {
    const apps = ['prod', 'staging', 'test'];
    const first = ownership(one, a, apps);
    const second = ownership(two, b, apps);
    await first.beat(Date.now());
    await second.beat(Date.now());
    first.leave();
    expect(first.sendFor('prod', Date.now())).toEqual({ ok: false, reason: 'shutdown' });
    await first.release(Date.now());
    await second.beat(Date.now());
    expect(count(await holders(), 'b')).toBe(3);
  });
});
