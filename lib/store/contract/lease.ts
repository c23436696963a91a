import { beforeEach, expect, it } from 'vitest';
import { LeaseLost } from '../../lease/fence';
import { LEASE_TTL_MS } from '../../lease/lease';
import type { Store } from '../store';
import { by, run, type ContractStores } from './fixtures';

/** The worker lease, and the fence on what a pass writes. */
export function leaseContract(stores: ContractStores) {
  let store: Store;
  let another: () => Promise<Store>;
  beforeEach(() => ({ store, another } = stores()));

  it('gives the worker lease to one of two holders asking at the same moment, free or expired, and tells the other who holds it', async () => {
    const [a, b, c, d] = ['a', 'b', 'c', 'd'].map((id, i) => ({ id, pid: i + 1, host: 'h' }));
    const alive = (nowMs: number) => ({ nowMs, ttlMs: 1_000, isAlive: () => true });
    const first = await Promise.all([store.lease.acquire(a!, alive(0)), store.lease.acquire(b!, alive(0))]);
    expect(first.filter((r) => r.ok)).toHaveLength(1);
    const holder = first[0]!.ok ? 'a' : 'b';
    expect(first.find((r) => !r.ok)).toMatchObject({ ok: false, holder: { holder } });
    const later = await Promise.all([store.lease.acquire(c!, alive(1_000)), store.lease.acquire(d!, alive(1_000))]);
    expect(later.filter((r) => r.ok)).toHaveLength(1);
    const taker = later[0]!.ok ? 'c' : 'd';
    expect(later.find((r) => !r.ok)).toMatchObject({ ok: false, holder: { holder: taker } });
    expect(await store.lease.acquire(holder === 'a' ? a! : b!, alive(1_001))).toMatchObject({ ok: false, holder: { holder: taker } });
  });

  it('gives the worker lease to one holder at a time', async () => {
    const a = { id: 'a', pid: 1, host: 'h' };
    const b = { id: 'b', pid: 2, host: 'h' };
    expect(await store.lease.acquire(a, { nowMs: 0, isAlive: () => true })).toEqual({ ok: true });
    expect(await store.lease.acquire(b, { nowMs: 1, isAlive: () => true })).toMatchObject({ ok: false, holder: { holder: 'a' } });
    expect(await store.lease.acquire(a, { nowMs: 2, isAlive: () => true })).toEqual({ ok: true });
  });

  it('writes what a pass records only while its fence holds: after a takeover, nothing more and LeaseLost', async () => {
    const alive = (nowMs: number) => ({ nowMs, isAlive: () => true });
    const now = Date.now();
    expect(await store.lease.acquire({ id: 'a', pid: 1, host: 'h' }, alive(now))).toEqual({ ok: true });
    const { runId } = await store.runs.create(run(['u1', 'u2', 'u3']), { ...by, action: 'run-started' });
    const removed = (seq: number, account: string) => ({ seq, account, status: 'removed' as const, attempts: 1 });
    const asA = store.runs.fenced({ scope: 'database', holder: 'a' });
    await asA.recordOutcomes(runId, [removed(1, 'u1')], 1);

    // Another process takes the lease once it has lapsed; a stalled holder still writing is refused.
    const elsewhere = await another();
    expect(await elsewhere.lease.acquire({ id: 'b', pid: 2, host: 'h' }, alive(now + LEASE_TTL_MS))).toEqual({ ok: true });
    await expect(asA.keepValues(runId, [{ seq: 2, values: { sex: 'f' } }])).rejects.toBeInstanceOf(LeaseLost);
    await expect(asA.recordOutcomes(runId, [removed(2, 'u2')], 1)).rejects.toBeInstanceOf(LeaseLost);
    await expect(asA.finish(runId, { status: 'completed' })).rejects.toBeInstanceOf(LeaseLost);
    await expect(asA.copyUsers(runId)).rejects.toBeInstanceOf(LeaseLost);
    expect(await store.runs.get(runId)).toMatchObject({ status: 'running', succeeded: 1, pending: 2, requests: 1 });
    expect((await store.runs.pendingTargets(runId, 0, 10)).map((t) => [t.account, t.values])).toEqual([
      ['u2', null],
      ['u3', null],
    ]);

    const asB = elsewhere.runs.fenced({ scope: 'database', holder: 'b' });
    await asB.recordOutcomes(runId, [removed(2, 'u2')], 1);
    expect(await asB.finish(runId, { status: 'completed' })).toBe('completed');
    expect(await store.runs.get(runId)).toMatchObject({ status: 'completed', succeeded: 2, notSent: 1 });
  });
}
