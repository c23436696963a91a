import { beforeEach, describe, expect, it } from 'vitest';
import type { Store } from '../store';
import { by, finishedWithFailures, restoring, run, type ContractStores } from './fixtures';

/** Values kept by removals, and their purge. */
export function valuesContract(stores: ContractStores) {
  let store: Store;
  beforeEach(() => ({ store } = stores()));

  describe('values kept by removals', () => {
    it('shows a removal’s kept values before the user is recorded, and keeps nothing for a user already recorded', async () => {
      const { runId } = await store.runs.create(run(['a', 'b']), { ...by, action: 'run-started' });
      await store.runs.recordOutcomes(runId, [{ seq: 2, account: 'b', status: 'nothing_to_remove', attrs: ['sex'], values: {}, attempts: 1 }], 1);
      await store.runs.keepValues(runId, [
        { seq: 1, values: { sex: 'f' } },
        { seq: 2, values: { sex: 'm' } },
      ]);
      expect((await store.runs.users(runId, { limit: 10 })).map((u) => [u.result, u.values])).toEqual([
        ['pending', { sex: 'f' }],
        ['nothing_to_remove', {}],
      ]);
    });

    it('keeps a snapshot of users not yet recorded: the next pass reads it, a failure keeps it, closing the run keeps it for those never sent', async () => {
      const { runId } = await store.runs.create(run(['a', 'b', 'c']), { ...by, action: 'run-started' });
      await store.runs.keepValues(runId, [
        { seq: 1, values: { sex: 'f' } },
        { seq: 2, values: { sex: 'm' } },
        { seq: 3, values: { sex: 'x' } },
      ]);
      // A pass that stopped after its snapshot: the next one starts from what it kept.
      expect((await store.runs.pendingTargets(runId, 0, 10)).map((t) => t.values)).toEqual([{ sex: 'f' }, { sex: 'm' }, { sex: 'x' }]);
      const failure = { key: 'x', code: 1, info: 'x', handling: 'retry' as const };
      await store.runs.recordOutcomes(
        runId,
        [
          { seq: 1, account: 'a', status: 'failed', failure, attempts: 1 },
          { seq: 2, account: 'b', status: 'removed', attrs: ['sex'], values: { sex: 'm' }, valuesKept: true, attempts: 1 },
        ],
        2,
      );
      await store.runs.finish(runId, { status: 'cancelled' });
      expect((await store.runs.users(runId, { limit: 10 })).map((u) => [u.result, u.values])).toEqual([
        ['failed', { sex: 'f' }],
        ['removed', { sex: 'm' }],
        ['not_sent', { sex: 'x' }],
      ]);
    });

    it('restores what a removal took: state from its counters, users copied while it runs, then all restored', async () => {
      const removalId = await finishedWithFailures(store, 'remove');
      const removal = async () => (await store.runs.get(removalId))!;
      expect(await store.runs.restoreState(await removal())).toEqual({ kind: 'restorable', users: 1, restoreRunIds: [] });
      const made = await store.runs.createRestore(removalId, 'ann', restoring);
      if (!made.ok) throw new Error(made.refusal);
      expect(await store.runs.restoreState(await removal())).toEqual({ kind: 'in-progress', restoreRunId: made.runId });
      expect(await store.runs.copyUsers(made.runId)).toEqual({ done: true });
      expect(await store.runs.pendingTargets(made.runId, 0, 10)).toEqual([{ seq: 2, account: 'b', attrs: ['sex'], values: { sex: 'f' } }]);
      await store.runs.recordOutcomes(made.runId, [{ seq: 2, account: 'b', status: 'restored', attrs: ['sex'], values: { sex: 'f' }, attempts: 1 }], 1);
      await store.runs.finish(made.runId, { status: 'completed' });
      expect(await store.runs.get(made.runId)).toMatchObject({ kind: 'restore', status: 'completed', total: 1, succeeded: 1 });
      expect(await store.runs.restoreState(await removal())).toEqual({ kind: 'none', reason: 'all-restored', restoreRunIds: [made.runId] });
      expect(await store.runs.createRestore(removalId, 'ann', restoring)).toEqual({ ok: false, refusal: 'nothing-to-restore' });
    });

    it('purges the values kept by runs finished before the cutoff, auditing each run that held some, once; a running one keeps them', async () => {
      const removalId = await finishedWithFailures(store, 'remove');
      const { runId: running } = await store.runs.create(run(['z']), { ...by, action: 'run-started' });
      await store.runs.keepValues(running, [{ seq: 1, values: { sex: 'm' } }]);
      const purged = (runId: number, users: number) => ({ action: 'values-purged' as const, operator: null, clientIp: null, runId, detail: { users } });
      expect(await store.runs.purgeValues(Date.now() - 60_000, purged)).toEqual([]);
      expect(await store.runs.purgeValues(Date.now() + 60_000, purged)).toEqual([removalId]);
      expect((await store.runs.users(removalId, { limit: 10 })).map((u) => u.values)).toEqual([null, null, null]);
      const removal = (await store.runs.get(removalId))!;
      expect(removal.valuesPurgedAt).toEqual(expect.any(String));
      expect(await store.runs.restoreState(removal)).toEqual({ kind: 'none', reason: 'purged', purgedAt: removal.valuesPurgedAt, restoreRunIds: [] });
      expect(await store.runs.createRestore(removalId, 'ann', restoring)).toEqual({ ok: false, refusal: 'purged' });
      expect((await store.runs.users(running, { limit: 10 }))[0]!.values).toEqual({ sex: 'm' });
      expect(await store.runs.purgeValues(Date.now() + 60_000, purged)).toEqual([]);
      expect((await store.audit.list({ action: 'values-purged', limit: 10 })).map((e) => [e.runId, e.detail])).toEqual([[removalId, { users: 1 }]]);
    });
  });
}
