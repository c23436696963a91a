import { beforeEach, expect, it } from 'vitest';
import { PROGRESS_SECONDS } from '../../runs/progress';
import type { Store } from '../store';
import { by, finishedWithFailures, restoring, retried, run, type ContractStores } from './fixtures';

/** Runs: creating them once, recording batches once, their retries, restores and removals from a dry run, and copying their users. */
export function runsContract(stores: ContractStores) {
  let store: Store;
  let another: () => Promise<Store>;
  beforeEach(() => ({ store, another } = stores()));

  it('creates a run with its users and its audit row; a repeated request key returns the same run, unaudited', async () => {
    const first = await store.runs.create(run(['a', 'b', 'c'], 'key-0123456789abcdef'), { ...by, action: 'run-started', detail: { source: 'csv', users: 3 } });
    const again = await store.runs.create(run(['x'], 'key-0123456789abcdef'), { ...by, action: 'run-started', detail: { source: 'csv', users: 3 } });
    expect(again).toEqual({ runId: first.runId, existing: true });
    expect(await store.runs.get(first.runId)).toMatchObject({ status: 'running', total: 3, pending: 3, appId: 'default' });
    expect((await store.runs.pendingTargets(first.runId, 0, 10)).map((t) => t.account)).toEqual(['a', 'b', 'c']);
    const audit = await store.audit.list({ limit: 10 });
    expect(audit.map((e) => [e.action, e.runId])).toEqual([['run-started', first.runId]]);
  });

  it('makes one run of one submission sent twice at the same moment', async () => {
    const entry = { ...by, action: 'run-started' as const };
    const [a, b] = await Promise.all([store.runs.create(run(['a'], 'key-both-0123456789ab'), entry), store.runs.create(run(['a'], 'key-both-0123456789ab'), entry)]);
    expect(a.runId).toBe(b.runId);
    expect([a.existing, b.existing].sort()).toEqual([false, true]);
    expect(await store.runs.list({ limit: 10 })).toHaveLength(1);
    expect(await store.audit.list({ action: 'run-started', limit: 10 })).toHaveLength(1);
  });

  it('records each outcome once and closes a run once', async () => {
    const { runId } = await store.runs.create(run(['a', 'b']), { ...by, action: 'run-started' });
    const outcome = [{ seq: 1, account: 'a', status: 'removed' as const, attempts: 1 }];
    await store.runs.recordOutcomes(runId, outcome, 1);
    await store.runs.recordOutcomes(runId, outcome, 1);
    expect(await store.runs.get(runId)).toMatchObject({ succeeded: 1, pending: 1, requests: 2 });
    expect(await store.runs.finish(runId, { status: 'halted', reason: 'error' })).toBeNull();
    expect(await store.runs.finish(runId, { status: 'completed' })).toBe('completed');
    await expect(store.runs.finish(runId, { status: 'cancelled' })).rejects.toThrow(/illegal run transition/);
    expect(await store.runs.get(runId)).toMatchObject({ status: 'completed', notSent: 1, pending: 0 });
  });

  it('counts the users each batch finished in the second it was recorded, the same for every process; a replay counts none, and a finished run keeps none', async () => {
    const elsewhere = await another();
    const { runId } = await store.runs.create(run(['a', 'b', 'c', 'd']), { ...by, action: 'run-started' });
    const removed = (seq: number, account: string) => ({ seq, account, status: 'removed' as const, attempts: 1 });
    await store.runs.recordOutcomes(runId, [removed(1, 'a')], 1, 10_000);
    await store.runs.recordOutcomes(runId, [removed(2, 'b'), removed(3, 'c')], 1, 10_400);
    await store.runs.recordOutcomes(runId, [removed(2, 'b')], 1, 10_900);
    await store.runs.recordOutcomes(runId, [removed(4, 'd')], 1, 11_200);
    const seconds = [
      { second: 10, firstMs: 10_000, firstUsers: 1, lastMs: 10_400, users: 3 },
      { second: 11, firstMs: 11_200, firstUsers: 1, lastMs: 11_200, users: 1 },
    ];
    expect(await store.runs.progress(runId)).toEqual(seconds);
    expect(await elsewhere.runs.progress(runId)).toEqual(seconds);
    await store.runs.finish(runId, { status: 'completed' });
    expect(await elsewhere.runs.progress(runId)).toEqual([]);
  });

  it(`keeps the last ${PROGRESS_SECONDS} seconds of a run's batches, and a late batch for a second already gone changes none`, async () => {
    const ids = Array.from({ length: PROGRESS_SECONDS + 6 }, (_, i) => `u${i}`);
    const { runId } = await store.runs.create(run(ids), { ...by, action: 'run-started' });
    const removed = (i: number) => [{ seq: i + 1, account: ids[i]!, status: 'removed' as const, attempts: 1 }];
    for (let i = 0; i < PROGRESS_SECONDS + 5; i++) await store.runs.recordOutcomes(runId, removed(i), 1, 1_000 * i + 500);
    const kept = Array.from({ length: PROGRESS_SECONDS }, (_, i) => i + 5);
    expect((await store.runs.progress(runId)).map((s) => s.second)).toEqual(kept);
    await store.runs.recordOutcomes(runId, removed(PROGRESS_SECONDS + 5), 1, 2_500);
    expect(await store.runs.progress(runId)).toHaveLength(PROGRESS_SECONDS);
    expect((await store.runs.progress(runId)).map((s) => [s.second, s.users])).toEqual(kept.map((second) => [second, 1]));
    expect(await store.runs.get(runId)).toMatchObject({ succeeded: PROGRESS_SECONDS + 6 });
  });

  it('counts failed users per reason as batches are recorded, once per user', async () => {
    const { runId } = await store.runs.create(run(['a', 'b', 'c', 'd']), { ...by, action: 'run-started' });
    const failure = (code: number, info: string) => ({ key: String(code), code, info, handling: 'permanent' as const });
    const failed = (seq: number, account: string, code: number, info: string) => ({ seq, account, status: 'failed' as const, failure: failure(code, info), attempts: 1 });
    await store.runs.recordOutcomes(runId, [failed(1, 'a', 70107, 'first words'), failed(2, 'b', 70107, 'other words'), { seq: 3, account: 'c', status: 'removed', attempts: 1 }], 1);
    await store.runs.recordOutcomes(runId, [failed(1, 'a', 70107, 'again'), failed(4, 'd', 90035, 'bound')], 1);
    expect(await store.runs.failureGroups(runId)).toEqual([
      { key: '70107', code: 70107, info: 'first words', count: 2 },
      { key: '90035', code: 90035, info: 'bound', count: 1 },
    ]);
  });

  it('tells the pass with each batch written whether the run has been cancelled', async () => {
    const { runId } = await store.runs.create(run(['a', 'b']), { ...by, action: 'run-started' });
    expect(await store.runs.recordOutcomes(runId, [{ seq: 1, account: 'a', status: 'removed', attempts: 1 }], 1)).toEqual({ cancelRequested: false });
    await store.runs.requestCancel(runId, { ...by, action: 'run-cancelled' });
    expect(await store.runs.recordOutcomes(runId, [{ seq: 2, account: 'b', status: 'removed', attempts: 1 }], 1)).toEqual({ cancelRequested: true });
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

  it('makes one retry of a removal, and one of a dry run, for two asks at the same moment, audited once each', async () => {
    for (const kind of ['remove', 'check'] as const) {
      const parentId = await finishedWithFailures(store, kind);
      const asks = await Promise.all([store.runs.createRetry(parentId, ['x'], 'ann', retried), store.runs.createRetry(parentId, ['x'], 'bob', retried)]);
      expect(new Set(asks.map((a) => a.ok && a.runId)).size).toBe(1);
      expect(asks.map((a) => a.ok && a.existing).sort()).toEqual([false, true]);
      expect(asks[0]).toMatchObject({ ok: true, users: 2 });
      const retryId = asks[0]!.ok ? asks[0]!.runId : 0;
      expect(await store.runs.get(retryId)).toMatchObject({ kind, source: 'retry', parentRunId: parentId, total: 2 });
      expect((await store.runs.users(retryId, { limit: 10 })).map((u) => u.userId)).toEqual(['a', 'c']);
      expect((await store.audit.list({ action: 'run-retried', limit: 10 })).filter((e) => e.runId === retryId)).toHaveLength(1);
      await store.runs.finish(retryId, { status: 'cancelled' });
      expect(await store.runs.createRetry(parentId, ['x'], 'ann', retried)).toMatchObject({ ok: true, existing: false });
    }
  });

  it('runs a retry of a dry run beside a removal from it, and a retry of a removal beside a restore of it: different kinds after one run are not one', async () => {
    // A retried dry run: a removal from it carries its source, retry, and is still not its retry.
    const checkId = await finishedWithFailures(store, 'check');
    const recheck = await store.runs.createRetry(checkId, ['x'], 'ann', retried);
    if (!recheck.ok) throw new Error(recheck.refusal);
    await store.runs.recordOutcomes(recheck.runId, [{ seq: 1, account: 'a', status: 'failed', failure: { key: 'x', code: 1, info: 'x', handling: 'retry' }, attempts: 1 }], 1);
    await store.runs.finish(recheck.runId, { status: 'completed' });
    const entry = (id: number, n: number) => ({ ...by, action: 'run-started' as const, runId: id, detail: { users: n } });
    const removal = await store.runs.createFromCheck(recheck.runId, { requestKey: 'key-side-0123456789a', operator: 'ann' }, entry);
    const again = await store.runs.createRetry(recheck.runId, ['x'], 'ann', retried);
    expect(removal).toMatchObject({ ok: true, existing: false });
    expect(again).toMatchObject({ ok: true, existing: false, users: 2 });
    expect(again.ok && again.runId).not.toBe(removal.ok && removal.runId);
    expect(await store.runs.get(again.ok ? again.runId : 0)).toMatchObject({ kind: 'check', parentRunId: recheck.runId });

    const removalId = await finishedWithFailures(store, 'remove');
    const retry = await store.runs.createRetry(removalId, ['x'], 'ann', retried);
    const restore = await store.runs.createRestore(removalId, 'ann', restoring);
    expect(retry).toMatchObject({ ok: true, existing: false });
    expect(restore).toMatchObject({ ok: true, existing: false });
    expect(retry.ok && retry.runId).not.toBe(restore.ok && restore.runId);
  });

  it('makes one restore of a removal for two asks at the same moment, audited once; another once it has finished, of what is still missing', async () => {
    const removalId = await finishedWithFailures(store, 'remove');
    const asks = await Promise.all([store.runs.createRestore(removalId, 'ann', restoring), store.runs.createRestore(removalId, 'bob', restoring)]);
    expect(new Set(asks.map((a) => a.ok && a.runId)).size).toBe(1);
    expect(asks.map((a) => a.ok && a.existing).sort()).toEqual([false, true]);
    expect(asks[0]).toMatchObject({ ok: true, users: 1 });
    const restoreId = asks[0]!.ok ? asks[0]!.runId : 0;
    expect(await store.runs.get(restoreId)).toMatchObject({ kind: 'restore', source: 'restore', parentRunId: removalId, status: 'running' });
    expect(await store.audit.list({ action: 'restore-started', limit: 10 })).toHaveLength(1);
    await store.runs.finish(restoreId, { status: 'cancelled' });
    const later = await store.runs.createRestore(removalId, 'ann', restoring);
    expect(later).toMatchObject({ ok: true, existing: false, users: 1 });
    expect(later.ok && later.runId).not.toBe(restoreId);
  });

  it('makes one removal from one dry run for two asks with different request keys, audited once; another once it has finished', async () => {
    const { runId: checkId } = await store.runs.create({ ...run(['a', 'b']), kind: 'check' }, { ...by, action: 'check-started' });
    await store.runs.finish(checkId, { status: 'completed' });
    const entry = (id: number, n: number) => ({ ...by, action: 'run-started' as const, runId: id, detail: { source: 'check' as const, checkRunId: checkId, users: n } });
    const ann = await store.runs.createFromCheck(checkId, { requestKey: 'key-ann-0123456789ab', operator: 'ann' }, entry);
    const bob = await store.runs.createFromCheck(checkId, { requestKey: 'key-bob-0123456789ab', operator: 'bob' }, entry);
    expect(ann).toMatchObject({ ok: true, users: 2, existing: false });
    expect(bob).toEqual({ ok: true, runId: ann.ok ? ann.runId : 0, users: 2, existing: true });
    expect(await store.audit.list({ action: 'run-started', limit: 10 })).toHaveLength(1);
    await store.runs.finish(ann.ok ? ann.runId : 0, { status: 'cancelled' });
    const later = await store.runs.createFromCheck(checkId, { requestKey: 'key-bob-fedcba987654', operator: 'bob' }, entry);
    expect(later).toMatchObject({ ok: true, existing: false });
    expect(later.ok && later.runId).not.toBe(ann.ok && ann.runId);
  });

  it('makes one removal from one dry run asked twice at the same moment, audited once', async () => {
    const { runId: checkId } = await store.runs.create({ ...run(['a', 'b']), kind: 'check' }, { ...by, action: 'check-started' });
    await store.runs.finish(checkId, { status: 'completed' });
    const entry = (id: number, n: number) => ({ ...by, action: 'run-started' as const, runId: id, detail: { source: 'check' as const, checkRunId: checkId, users: n } });
    const asks = await Promise.all(
      ['key-one-0123456789ab', 'key-two-0123456789ab'].map((requestKey) => store.runs.createFromCheck(checkId, { requestKey, operator: 'ann' }, entry)),
    );
    expect(new Set(asks.map((a) => a.ok && a.runId)).size).toBe(1);
    expect(asks.map((a) => a.ok && a.existing).sort()).toEqual([false, true]);
    expect(await store.audit.list({ action: 'run-started', limit: 10 })).toHaveLength(1);
    expect((await store.runs.list({ limit: 10 })).filter((r) => r.parentRunId === checkId)).toHaveLength(1);
  });

  it('copies a removal’s users from its dry run a slice at a time, in order, until done', async () => {
    const { runId: checkId } = await store.runs.create({ ...run(['a', 'b', 'c']), kind: 'check' }, { ...by, action: 'check-started' });
    await store.runs.finish(checkId, { status: 'completed' });
    const entry = (id: number, n: number) => ({ ...by, action: 'run-started' as const, runId: id, detail: { source: 'check' as const, checkRunId: checkId, users: n } });
    const removal = await store.runs.createFromCheck(checkId, { requestKey: 'key-copy-0123456789a', operator: 'ann' }, entry);
    if (!removal.ok) throw new Error(removal.refusal);
    expect(await store.runs.users(removal.runId, { limit: 10 })).toEqual([]);
    expect(await store.runs.copyUsers(removal.runId, 2)).toEqual({ done: false });
    expect((await store.runs.pendingTargets(removal.runId, 0, 10)).map((t) => t.account)).toEqual(['a', 'b']);
    expect(await store.runs.copyUsers(removal.runId, 2)).toEqual({ done: true });
    expect(await store.runs.copyUsers(removal.runId)).toEqual({ done: true });
    expect((await store.runs.users(removal.runId, { limit: 10 })).map((u) => [u.seq, u.userId, u.attrs])).toEqual([
      [1, 'a', ['sex']],
      [2, 'b', ['sex']],
      [3, 'c', ['sex']],
    ]);
  });
}
