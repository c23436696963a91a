import { beforeEach, describe, expect, it } from 'vitest';
import type { Store } from '../store';
import { by, finishedWithFailures, restoring, retried, run, type ContractStores } from './fixtures';

/** Retries, removals from a dry run and restores: what is refused. */
export function refusalsContract(stores: ContractStores) {
  let store: Store;
  beforeEach(() => ({ store } = stores()));

  describe('retries, removals from a dry run, restores: what is refused', () => {
    it('refuses a retry of an unknown run, a running one, a restore, or one with nothing to send again', async () => {
      expect(await store.runs.createRetry(999_999, ['x'], 'ann', retried)).toEqual({ ok: false, refusal: 'not-found' });
      const { runId } = await store.runs.create(run(['a']), { ...by, action: 'run-started' });
      expect(await store.runs.createRetry(runId, ['x'], 'ann', retried)).toEqual({ ok: false, refusal: 'still-running' });
      await store.runs.recordOutcomes(runId, [{ seq: 1, account: 'a', status: 'failed', failure: { key: '70107', code: 70107, info: 'no', handling: 'permanent' }, attempts: 1 }], 1);
      await store.runs.finish(runId, { status: 'completed' });
      expect(await store.runs.createRetry(runId, ['x'], 'ann', retried)).toEqual({ ok: false, refusal: 'nothing-to-retry' });
      const removalId = await finishedWithFailures(store, 'remove');
      const restore = await store.runs.createRestore(removalId, 'ann', restoring);
      expect(await store.runs.createRetry(restore.ok ? restore.runId : 0, ['x'], 'ann', retried)).toEqual({ ok: false, refusal: 'restore-run' });
      expect(await store.audit.list({ action: 'run-retried', limit: 10 })).toEqual([]);
    });

    it('refuses a removal from an unknown run, from one that is no dry run, or from a dry run still running', async () => {
      const start = { requestKey: 'key-refused-01234567', operator: 'ann' };
      const entry = (id: number, n: number) => ({ ...by, action: 'run-started' as const, runId: id, detail: { users: n } });
      expect(await store.runs.createFromCheck(999_999, start, entry)).toEqual({ ok: false, refusal: 'not-found' });
      const { runId: removalId } = await store.runs.create(run(['a']), { ...by, action: 'run-started' });
      const { runId: checkId } = await store.runs.create({ ...run(['a']), kind: 'check' }, { ...by, action: 'check-started' });
      expect(await store.runs.createFromCheck(removalId, start, entry)).toEqual({ ok: false, refusal: 'not-a-check' });
      expect(await store.runs.createFromCheck(checkId, start, entry)).toEqual({ ok: false, refusal: 'still-running' });
    });

    it('refuses a restore of an unknown run, of one that is no removal or still running, or with nothing to write back; says why from the counters', async () => {
      const state = async (runId: number) => store.runs.restoreState((await store.runs.get(runId))!);
      expect(await store.runs.createRestore(999_999, 'ann', restoring)).toEqual({ ok: false, refusal: 'not-found' });
      const checkId = await finishedWithFailures(store, 'check');
      expect(await store.runs.createRestore(checkId, 'ann', restoring)).toEqual({ ok: false, refusal: 'not-a-removal' });
      expect(await state(checkId)).toEqual({ kind: 'none', reason: 'not-a-removal', restoreRunIds: [] });
      const { runId: running } = await store.runs.create(run(['a']), { ...by, action: 'run-started' });
      expect(await store.runs.createRestore(running, 'ann', restoring)).toEqual({ ok: false, refusal: 'still-running' });
      expect(await state(running)).toEqual({ kind: 'none', reason: 'still-running', restoreRunIds: [] });
      await store.runs.recordOutcomes(running, [{ seq: 1, account: 'a', status: 'nothing_to_remove', attrs: ['sex'], values: {}, attempts: 1 }], 1);
      await store.runs.finish(running, { status: 'completed' });
      expect(await store.runs.createRestore(running, 'ann', restoring)).toEqual({ ok: false, refusal: 'nothing-to-restore' });
      expect(await state(running)).toEqual({ kind: 'none', reason: 'no-values', restoreRunIds: [] });
      expect(await store.audit.list({ action: 'restore-started', limit: 10 })).toEqual([]);
    });
  });
}
