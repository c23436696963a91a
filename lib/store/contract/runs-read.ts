import { beforeEach, describe, expect, it } from 'vitest';
import type { Store } from '../store';
import { by, run, type ContractStores } from './fixtures';

/** Runs as the pages read them back. */
export function runsReadContract(stores: ContractStores) {
  let store: Store;
  beforeEach(() => ({ store } = stores()));

  describe('runs, read back', () => {
    it('lists runs newest first, a page at a time and by app; lists the running ones, by source; keeps why one stopped', async () => {
      const started = { ...by, action: 'run-started' as const };
      const form = (await store.runs.create({ ...run(['a']), source: 'form' }, started)).runId;
      const staging = (await store.runs.create({ ...run(['b']), appId: 'staging' }, started)).runId;
      const stopped = (await store.runs.create(run(['c']), started)).runId;
      const failure = { key: '70009', code: 70009, info: 'bad sig', handling: 'fatal' as const };
      expect(await store.runs.finish(stopped, { status: 'stopped', failure })).toBe('failed');
      await store.uploads.begin(
        { appId: 'default', sdkAppId: 1400000000, region: 'china', operator: 'ann', fileName: 'f.csv' },
        { owner: { id: 'process-one', pid: 101, host: 'host-a' }, nowMs: 0 },
        { max: 5, stagedSinceMs: 0, readingPerOperator: 5, readingPerProcess: 5, liveSinceMs: 0 },
      );
      const ids = async (opts: Parameters<Store['runs']['list']>[0]) => (await store.runs.list(opts)).map((r) => r.id);
      expect(await ids({ limit: 10 })).toEqual([stopped, staging, form]);
      expect(await ids({ limit: 2 })).toEqual([stopped, staging]);
      expect(await ids({ limit: 10, beforeId: staging })).toEqual([form]);
      expect(await ids({ limit: 10, appId: 'staging' })).toEqual([staging]);
      expect((await store.runs.listRunning()).map((r) => r.id)).toEqual([form, staging]);
      expect((await store.runs.listRunning(['csv', 'retry'])).map((r) => r.id)).toEqual([staging]);
      expect(await store.runs.get(stopped)).toMatchObject({ status: 'failed', notSent: 1, error: { key: '70009', code: 70009, info: 'bad sig' } });
      expect(await store.runs.get(stopped + 1_000)).toBeNull();
    });

    it('pages a run’s users by position, filters them by result, failure or user, and finds a user across runs, newest first', async () => {
      const { runId } = await store.runs.create(run(['a', 'b', 'c', 'd']), { ...by, action: 'run-started' });
      const failed = (seq: number, account: string, code: number) => ({ seq, account, status: 'failed' as const, failure: { key: String(code), code, info: 'no', handling: 'permanent' as const }, attempts: 2 });
      await store.runs.recordOutcomes(runId, [{ seq: 1, account: 'a', status: 'removed', attempts: 1 }, failed(2, 'b', 70107), failed(3, 'c', 90035)], 1);
      const seqs = async (opts: Parameters<Store['runs']['users']>[1]) => (await store.runs.users(runId, opts)).map((u) => u.seq);
      expect(await seqs({ limit: 2 })).toEqual([1, 2]);
      expect(await seqs({ afterSeq: 2, limit: 10 })).toEqual([3, 4]);
      expect(await seqs({ limit: 10, filter: { result: 'failed' } })).toEqual([2, 3]);
      expect(await seqs({ limit: 10, filter: { errorKey: '90035' } })).toEqual([3]);
      expect(await store.runs.users(runId, { limit: 10, filter: { userId: 'b' } })).toEqual([
        { seq: 2, userId: 'b', attrs: ['sex'], result: 'failed', failure: { key: '70107', code: 70107, info: 'no' }, attempts: 2, values: null, skipped: [] },
      ]);
      expect((await store.runs.pendingTargets(runId, 0, 10)).map((t) => t.account)).toEqual(['d']);
      const later = (await store.runs.create(run(['c']), { ...by, action: 'run-started' })).runId;
      expect((await store.runs.findUser('c')).map((f) => [f.run.id, f.user.result])).toEqual([
        [later, 'pending'],
        [runId, 'failed'],
      ]);
      expect(await store.runs.findUser('nobody')).toEqual([]);
    });

    it('counts per attribute the users asked about that went through, and those that had a value', async () => {
      const { runId } = await store.runs.create({ ...run([]), kind: 'check', users: ['a', 'b', 'c'].map((account) => ({ account, attrs: ['sex', 'city'] })) }, { ...by, action: 'check-started' });
      const checked = (seq: number, account: string, values: Record<string, string>) => ({ seq, account, status: 'checked' as const, attrs: ['sex', 'city'], values, attempts: 1 });
      await store.runs.recordOutcomes(runId, [checked(1, 'a', { sex: 'f' }), checked(2, 'b', {})], 1);
      await store.runs.recordOutcomes(runId, [{ seq: 3, account: 'c', status: 'failed', failure: { key: '70107', code: 70107, info: 'no', handling: 'permanent' }, attempts: 1 }], 1);
      expect(await store.runs.attrCounts(runId)).toEqual([
        { attr: 'city', asked: 2, withValue: 0 },
        { attr: 'sex', asked: 2, withValue: 1 },
      ]);
      expect(await store.runs.get(runId)).toMatchObject({ succeeded: 2, failed: 1, withValues: 1 });
    });

    it('refuses a cancel of an unknown run or a form run', async () => {
      const { runId } = await store.runs.create({ ...run(['a']), source: 'form' }, { ...by, action: 'run-started' });
      expect(await store.runs.requestCancel(runId, { ...by, action: 'run-cancelled' })).toEqual({ ok: false, refusal: 'form-run' });
      expect(await store.runs.requestCancel(runId + 1_000, { ...by, action: 'run-cancelled' })).toEqual({ ok: false, refusal: 'not-found' });
      expect(await store.runs.isCancelRequested(runId)).toBe(false);
      expect(await store.audit.list({ action: 'run-cancelled', limit: 10 })).toEqual([]);
    });
  });
}
