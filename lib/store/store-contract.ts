import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { prepareOperator } from '../auth/operators';
import type { Store } from './store';

const users = (ids: string[]) => ids.map((account) => ({ account, attrs: ['sex'] }));
const run = (ids: string[], requestKey?: string) => ({ requestKey, source: 'csv' as const, appId: 'default', sdkAppId: 1400000000, region: 'china', operator: 'ann', users: users(ids) });
const by = { operator: 'ann', clientIp: null };

/**
 * What every Store implementation must do, written against the interface only: the SQLite store
 * runs it today, and a Postgres store must pass the same suite before it is used.
 */
export function describeStore(name: string, open: () => Promise<{ store: Store; dispose(): Promise<void> }>) {
  describe(`${name} store`, () => {
    let store: Store;
    let dispose: () => Promise<void>;
    beforeEach(async () => ({ store, dispose } = await open()));
    afterEach(() => dispose());

    it('creates a run with its users and its audit row; a repeated request key returns the same run, unaudited', async () => {
      const first = await store.runs.create(run(['a', 'b', 'c'], 'key-0123456789abcdef'), { ...by, action: 'run-started', detail: { source: 'csv', users: 3 } });
      const again = await store.runs.create(run(['x'], 'key-0123456789abcdef'), { ...by, action: 'run-started', detail: { source: 'csv', users: 3 } });
      expect(again).toEqual({ runId: first.runId, existing: true });
      expect(await store.runs.get(first.runId)).toMatchObject({ status: 'running', total: 3, pending: 3, appId: 'default' });
      expect((await store.runs.pendingTargets(first.runId, 0, 10)).map((t) => t.account)).toEqual(['a', 'b', 'c']);
      const audit = await store.audit.list({ limit: 10 });
      expect(audit.map((e) => [e.action, e.runId])).toEqual([['run-started', first.runId]]);
    });

    it('records each outcome once and closes a run once', async () => {
      const { runId } = await store.runs.create(run(['a', 'b']), { ...by, action: 'run-started' });
      const outcome = [{ seq: 1, account: 'a', status: 'removed' as const, attempts: 1 }];
      await store.runs.recordOutcomes(runId, outcome, 1);
      await store.runs.recordOutcomes(runId, outcome, 1);
      expect(await store.runs.get(runId)).toMatchObject({ removed: 1, pending: 1, requests: 2 });
      expect(await store.runs.finish(runId, { status: 'halted', reason: 'error' })).toBeNull();
      expect(await store.runs.finish(runId, { status: 'completed' })).toBe('completed');
      await expect(store.runs.finish(runId, { status: 'cancelled' })).rejects.toThrow(/illegal run transition/);
      expect(await store.runs.get(runId)).toMatchObject({ status: 'completed', notSent: 1, pending: 0 });
    });

    it('audits a cancel with the change, and refuses one that cannot happen', async () => {
      const { runId } = await store.runs.create(run(['a']), { ...by, action: 'run-started' });
      expect(await store.runs.requestCancel(runId, { ...by, action: 'run-cancelled' })).toEqual({ ok: true });
      expect(await store.runs.isCancelRequested(runId)).toBe(true);
      await store.runs.finish(runId, { status: 'cancelled' });
      expect(await store.runs.requestCancel(runId, { ...by, action: 'run-cancelled' })).toEqual({ ok: false, refusal: 'not-running' });
      expect((await store.audit.list({ action: 'run-cancelled', limit: 10 })).map((e) => e.runId)).toEqual([runId]);
    });

    it('makes one retry for two asks, through the parent run app, audited once', async () => {
      const { runId } = await store.runs.create(run(['a', 'b']), { ...by, action: 'run-started' });
      await store.runs.finish(runId, { status: 'cancelled' });
      const entry = (id: number, n: number) => ({ ...by, action: 'run-retried' as const, runId: id, detail: { parentRunId: id, users: n } });
      const first = await store.runs.createRetry(runId, [], 'ann', entry);
      const second = await store.runs.createRetry(runId, [], 'bob', entry);
      expect(first).toMatchObject({ ok: true, users: 2, existing: false });
      expect(second).toMatchObject({ ok: true, existing: true });
      expect(await store.runs.get(first.ok ? first.runId : 0)).toMatchObject({ appId: 'default', sdkAppId: 1400000000, parentRunId: runId });
      expect(await store.audit.list({ action: 'run-retried', limit: 10 })).toHaveLength(1);
    });

    it('adds an operator with its audit row, refuses a second of the same name, and remembers their app', async () => {
      const prepared = await prepareOperator({ username: 'carol', password: 'a-long-password', role: 'viewer' });
      if (!prepared.ok) throw new Error(prepared.code);
      const entry = () => ({ ...by, action: 'operator-added' as const, detail: { username: 'carol', role: 'viewer' } });
      expect(await store.operators.insert(prepared.operator, entry)).toMatchObject({ ok: true, operator: { username: 'carol', role: 'viewer', appId: null } });
      expect(await store.operators.insert(prepared.operator, entry)).toMatchObject({ ok: false, code: 'operators.exists' });
      await store.operators.setApp('carol', 'staging');
      expect(await store.operators.find('CAROL')).toMatchObject({ appId: 'staging' });
      expect(await store.audit.list({ action: 'operator-added', limit: 10 })).toHaveLength(1);
    });

    it('gives the worker lease to one holder at a time', async () => {
      const a = { id: 'a', pid: 1, host: 'h' };
      const b = { id: 'b', pid: 2, host: 'h' };
      expect(await store.lease.acquire(a, { nowMs: 0, isAlive: () => true })).toEqual({ ok: true });
      expect(await store.lease.acquire(b, { nowMs: 1, isAlive: () => true })).toMatchObject({ ok: false, holder: { holder: 'a' } });
      expect(await store.lease.acquire(a, { nowMs: 2, isAlive: () => true })).toEqual({ ok: true });
    });
  });
}
