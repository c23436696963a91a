import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LOCKOUT_FAILURES, LOCKOUT_WINDOW_MS } from '../auth/lockout';
import { prepareOperator } from '../auth/operators';
import type { AuditEntry } from '../audit/types';
import { PROGRESS_SECONDS } from '../runs/progress';
import { packRows } from '../uploads/staged-rows';
import type { Store } from './store';
import { IDEMPOTENCY_STALE_MS } from '../tokens/idempotency';
import { LeaseLost } from '../lease/fence';
import { LEASE_TTL_MS } from '../lease/lease';

const users = (ids: string[]) => ids.map((account) => ({ account, attrs: ['sex'] }));
const run = (ids: string[], requestKey?: string) => ({ requestKey, source: 'csv' as const, appId: 'default', sdkAppId: 1400000000, region: 'china', operator: 'ann', users: users(ids) });
const by = { operator: 'ann', clientIp: null };

/** A store on a fresh database; `another` opens a second one on the same database, as another process would. `dispose` closes them all. */
export interface OpenedStore {
  store: Store;
  another(): Promise<Store>;
  dispose(): Promise<void>;
}

/**
 * What every Store implementation must do, written against the interface only: the SQLite store
 * runs it today, and a Postgres store must pass the same suite before it is used.
 */
export function describeStore(name: string, open: () => Promise<OpenedStore>) {
  describe(`${name} store`, () => {
    let store: Store;
    let another: () => Promise<Store>;
    let dispose: () => Promise<void>;
    beforeEach(async () => ({ store, another, dispose } = await open()));
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

    const retried = (id: number, n: number) => ({ ...by, action: 'run-retried' as const, runId: id, detail: { users: n } });
    const restoring = (id: number, n: number) => ({ ...by, action: 'restore-started' as const, runId: id, detail: { users: n } });
    /** A finished run of this kind: a failed (retryable as 'x'), b through with its value sex=f (kept first by a removal), c never sent. */
    async function finishedWithFailures(kind: 'remove' | 'check') {
      const { runId } = await store.runs.create({ ...run(['a', 'b', 'c']), kind }, { ...by, action: kind === 'check' ? 'check-started' : 'run-started' });
      const failure = { key: 'x', code: 1, info: 'x', handling: 'retry' as const };
      if (kind === 'remove') await store.runs.keepValues(runId, [{ seq: 2, values: { sex: 'f' } }]);
      const b = { seq: 2, account: 'b', attempts: 1, attrs: ['sex'], values: { sex: 'f' } };
      await store.runs.recordOutcomes(
        runId,
        [{ seq: 1, account: 'a', status: 'failed', failure, attempts: 1 }, kind === 'check' ? { ...b, status: 'checked' } : { ...b, status: 'removed', valuesKept: true }],
        1,
      );
      await store.runs.finish(runId, { status: 'completed' });
      return runId;
    }

    it('makes one retry of a removal, and one of a dry run, for two asks at the same moment, audited once each', async () => {
      for (const kind of ['remove', 'check'] as const) {
        const parentId = await finishedWithFailures(kind);
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
      const checkId = await finishedWithFailures('check');
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

      const removalId = await finishedWithFailures('remove');
      const retry = await store.runs.createRetry(removalId, ['x'], 'ann', retried);
      const restore = await store.runs.createRestore(removalId, 'ann', restoring);
      expect(retry).toMatchObject({ ok: true, existing: false });
      expect(restore).toMatchObject({ ok: true, existing: false });
      expect(retry.ok && retry.runId).not.toBe(restore.ok && restore.runId);
    });

    it('makes one restore of a removal for two asks at the same moment, audited once; another once it has finished, of what is still missing', async () => {
      const removalId = await finishedWithFailures('remove');
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

    it('begins at most the lockout limit of sign-in attempts for one username, or from one address, however many arrive at once', async () => {
      const nowMs = 1_000_000;
      const many = (n: number, who: (i: number) => { username: string; clientIp: string | null }, at = nowMs) =>
        Promise.all(Array.from({ length: n }, (_, i) => store.signIns.begin(who(i), at))).then((ids) => ids.filter((id) => id !== null).length);
      expect(await many(LOCKOUT_FAILURES + 3, (i) => ({ username: i % 2 ? 'carol' : 'CAROL', clientIp: `10.0.0.${i}` }))).toBe(LOCKOUT_FAILURES);
      expect(await many(LOCKOUT_FAILURES + 3, (i) => ({ username: `user${i}`, clientIp: '10.9.9.9' }))).toBe(LOCKOUT_FAILURES);
      // An unknown address is no shared key.
      expect(await many(LOCKOUT_FAILURES + 1, (i) => ({ username: `other${i}`, clientIp: null }))).toBe(LOCKOUT_FAILURES + 1);
      expect(await many(1, () => ({ username: 'carol', clientIp: null }), nowMs + LOCKOUT_WINDOW_MS)).toBe(0);
      expect(await many(1, () => ({ username: 'carol', clientIp: null }), nowMs + LOCKOUT_WINDOW_MS + 1)).toBe(1);
    });

    it('adds one of two operators of one name asked at the same moment, in any case, audited once', async () => {
      const prepared = await Promise.all(['dave', 'DAVE'].map((username) => prepareOperator({ username, password: 'a-long-password', role: 'viewer' })));
      const entry = (o: { username: string }) => ({ ...by, action: 'operator-added' as const, detail: { username: o.username } });
      const added = await Promise.all(prepared.map((p) => (p.ok ? store.operators.insert(p.operator, entry) : Promise.reject(new Error(p.code)))));
      expect(added.filter((a) => a.ok)).toHaveLength(1);
      expect(added.find((a) => !a.ok)).toMatchObject({ ok: false, code: 'operators.exists' });
      expect(await store.operators.count()).toBe(1);
      expect(await store.audit.list({ action: 'operator-added', limit: 10 })).toHaveLength(1);
    });

    describe('uploads', () => {
      const upload = { appId: 'default', sdkAppId: 1400000000, region: 'china', operator: 'ann', fileName: 'list.csv' };
      const row = (account: string, attrs: string[]) => ({ account, attrs });
      const facts = {
        rowsRead: 5,
        invalidRows: 1,
        validRows: 4,
        rowsWithoutAttrs: 1,
        hasHeader: true,
        attrs: ['sex', 'city'],
        attrSets: [{ attrs: ['sex'], rows: 2 }, { attrs: ['city'], rows: 1 }],
        otherAttrSetRows: 0,
        nowMs: 1_000,
      };
      const started = (users: number) => ({ ...by, action: 'run-started' as const, detail: { source: 'csv' as const, users } });
      const roomy = { max: 100, stagedSinceMs: 0, readingPerOperator: 100, readingPerProcess: 100, liveSinceMs: 0 };
      const one = { id: 'process-one', pid: 101, host: 'host-a' };
      const two = { id: 'process-two', pid: 202, host: 'host-b' };
      const here = { owner: one, nowMs: 1_000 };
      /** The new upload's id, for a begin that must not be refused. */
      const begun = (r: Awaited<ReturnType<Store['uploads']['begin']>>) => {
        if (!r.ok) throw new Error(r.refusal);
        return r.uploadId;
      };

      /** An upload still arriving: four valid rows in two batches, `a` twice, and an invalid row. */
      async function staged() {
        const id = begun(await store.uploads.begin(upload, here, roomy));
        await store.uploads.addRows(id, 1, packRows([row('a', ['sex']), row('b', [])]));
        await store.uploads.addRows(id, 3, packRows([row('a', ['city']), row('c', ['sex'])]));
        await store.uploads.addIssues(id, [{ line: 4, code: 'csv.idEmpty' }]);
        return id;
      }

      it('merges a user repeated across batches into one once complete, and is not a run until started', async () => {
        const id = await staged();
        expect(await store.uploads.get(id)).toMatchObject({ status: 'uploading' });
        expect(await store.runs.get(id)).toBeNull();
        expect(await store.runs.list({ limit: 10 })).toEqual([]);
        expect(await store.runs.findUser('a')).toEqual([]);
        const summary = await store.uploads.complete(id, facts);
        expect(summary).toMatchObject({ status: 'staged', users: 3, duplicateRows: 1, rowsRead: 5, invalidRows: 1, rowsWithoutAttrs: 1, attrs: ['sex', 'city'], stagedMs: 1_000 });
        expect(summary.attrSets).toEqual(facts.attrSets);
        expect(await store.uploads.issues(id, { limit: 10 })).toEqual([{ line: 4, code: 'csv.idEmpty' }]);
        expect(await store.uploads.latestStaged('ann', 'default', 0)).toMatchObject({ id });
        expect(await store.uploads.latestStaged('ann', 'default', 1_001)).toBeNull();
        expect(await store.uploads.latestStaged('bob', 'default', 0)).toBeNull();
        expect(await store.runs.findUser('a')).toEqual([]);
      });

      it('merges rows of a user however the file orders them: its first list, then each later row’s new names, picked if any row takes them; users numbered in the byte order of their IDs', async () => {
        const id = begun(await store.uploads.begin(upload, here, roomy));
        // U+FF61 sorts before U+1F600 by bytes (EF… < F0…), after it by UTF-16 units (FF61 > D83D).
        const [halfwidth, emoji] = ['\uFF61x', '\u{1F600}x'];
        await store.uploads.addRows(id, 1, packRows([row('z', ['b']), row(emoji, ['a']), row('y', ['a']), row('z', ['a', 'c'])]));
        // A quoted cell may hold a tab or a line break inside a valid ID.
        await store.uploads.addRows(id, 5, packRows([row('x', []), row('z', []), row(halfwidth, ['a']), row('y', ['a']), row('z', ['c', 'b', 'd']), row('w\tv\nu', ['a'])]));
        const summary = await store.uploads.complete(id, { ...facts, rowsRead: 10, invalidRows: 0, validRows: 10 });
        expect(summary).toMatchObject({ status: 'staged', users: 6, duplicateRows: 4, validRows: 10 });
        expect(await store.uploads.inProgress()).toEqual([]);
        await store.uploads.start(id, { picked: ['tag'], requestKey: 'key-order-0123456789', operator: 'ann', kind: 'remove' }, started);
        expect((await store.runs.users(id, { limit: 10 })).map((u) => [u.seq, u.userId, u.attrs])).toEqual([
          [1, 'w\tv\nu', ['a']],
          [2, 'x', ['tag']],
          [3, 'y', ['a']],
          [4, 'z', ['b', 'a', 'c', 'd', 'tag']],
          [5, halfwidth, ['a']],
          [6, emoji, ['a']],
        ]);
        expect((await store.runs.pendingTargets(id, 3, 10)).map((t) => t.account)).toEqual(['z', halfwidth, emoji]);
        expect((await store.runs.findUser('z')).map((f) => [f.run.id, f.user.seq])).toEqual([[id, 4]]);
      });

      it('starts once, with the picked attributes for rows that named none, audited with the change', async () => {
        const id = await staged();
        expect(await store.uploads.start(id, { picked: [], requestKey: 'key-0123456789abcdef', operator: 'ann', kind: 'remove' }, started)).toEqual({ ok: false, refusal: 'not-found' });
        await store.uploads.complete(id, facts);
        expect(await store.uploads.start(id, { picked: [], requestKey: 'key-0123456789abcdef', operator: 'ann', kind: 'remove' }, started)).toEqual({ ok: false, refusal: 'picks-needed' });
        const first = await store.uploads.start(id, { picked: ['tag'], requestKey: 'key-0123456789abcdef', operator: 'ann', kind: 'remove' }, started);
        expect(first).toEqual({ ok: true, runId: id, users: 3, existing: false });
        expect(await store.uploads.start(id, { picked: ['tag'], requestKey: 'key-0123456789abcdef', operator: 'ann', kind: 'remove' }, started)).toEqual({ ok: true, runId: id, users: 3, existing: true });
        expect(await store.uploads.start(id, { picked: ['tag'], requestKey: 'key-fedcba9876543210', operator: 'ann', kind: 'remove' }, started)).toEqual({ ok: false, refusal: 'not-staged' });
        expect((await store.runs.pendingTargets(id, 0, 10)).map((t) => [t.seq, t.account, t.attrs])).toEqual([
          [1, 'a', ['sex', 'city']],
          [2, 'b', ['tag']],
          [3, 'c', ['sex']],
        ]);
        expect(await store.runs.get(id)).toMatchObject({ status: 'running', total: 3, attrs: ['sex', 'city', 'tag'], file: { name: 'list.csv', duplicateRows: 1 } });
        expect((await store.runs.users(id, { limit: 10 })).map((u) => u.attrs)).toEqual([['sex', 'city'], ['tag'], ['sex']]);
        expect((await store.audit.list({ action: 'run-started', limit: 10 })).map((e) => e.runId)).toEqual([id]);
        expect(await store.uploads.get(id)).toBeNull();
      });

      it('discards an upload with its rows and issues, and never a run', async () => {
        const id = await staged();
        expect(await store.uploads.countRows(id)).toBe(0);
        await store.uploads.complete(id, facts);
        expect(await store.uploads.countRows(id)).toBe(3);
        expect(await store.uploads.expired(facts.nowMs + 1)).toEqual([id]);
        expect(await store.uploads.discard(id)).toBe(true);
        await store.uploads.deleteDiscarded(id);
        expect(await store.uploads.get(id)).toBeNull();
        expect(await store.uploads.countRows(id)).toBe(0);
        expect(await store.uploads.issues(id, { limit: 10 })).toEqual([]);
        expect(await store.uploads.expired(Number.MAX_SAFE_INTEGER)).toEqual([]);
        expect(await store.uploads.inProgress()).toEqual([]);
        const { runId } = await store.runs.create(run(['a']), { ...by, action: 'run-started' });
        expect(await store.uploads.discard(runId)).toBe(false);
        await store.uploads.deleteDiscarded(runId);
        expect(await store.runs.get(runId)).toMatchObject({ total: 1 });
        expect(await store.uploads.countRows(runId)).toBe(1);
      });

      it('discards or starts a staged upload, never both: a discarded one cannot start, a started one keeps every user', async () => {
        const pick = (n: number) => ({ picked: ['tag'], requestKey: `key-${String(n).padStart(16, '0')}`, operator: 'ann', kind: 'remove' as const });
        const discarded = await staged();
        await store.uploads.complete(discarded, facts);
        expect(await store.uploads.discard(discarded)).toBe(true);
        // Its rows are still there; it is neither an upload nor a run any more, and the sweep finishes what a restart cut off.
        expect(await store.uploads.start(discarded, pick(1), started)).toEqual({ ok: false, refusal: 'not-found' });
        expect(await store.uploads.get(discarded)).toBeNull();
        expect(await store.runs.get(discarded)).toBeNull();
        expect(await store.runs.list({ limit: 10 })).toEqual([]);
        expect(await store.uploads.expired(0)).toEqual([discarded]);
        expect(await store.uploads.discard(discarded)).toBe(true);
        await store.uploads.deleteDiscarded(discarded);
        expect(await store.uploads.expired(0)).toEqual([]);

        const kept = await staged();
        await store.uploads.complete(kept, facts);
        expect(await store.uploads.deleteDiscarded(kept)).toBeUndefined();
        expect(await store.uploads.start(kept, pick(2), started)).toMatchObject({ ok: true, users: 3 });
        expect(await store.uploads.discard(kept)).toBe(false);
        await store.uploads.deleteDiscarded(kept);
        expect(await store.runs.get(kept)).toMatchObject({ status: 'running', total: 3, pending: 3 });
        expect(await store.runs.users(kept, { limit: 10 })).toHaveLength(3);
        expect((await store.audit.list({ action: 'run-started', limit: 10 })).map((e) => e.runId)).toEqual([kept]);
      });

      it('discards or starts a staged upload asked at the same moment: exactly one of them happens', async () => {
        for (const discardFirst of [true, false]) {
          const id = await staged();
          await store.uploads.complete(id, facts);
          const starting = () => store.uploads.start(id, { picked: ['tag'], requestKey: `key-race-${id}-0123456789`, operator: 'ann', kind: 'remove' }, started);
          const [discarded, start] = discardFirst
            ? await Promise.all([store.uploads.discard(id), starting()])
            : await Promise.all([starting(), store.uploads.discard(id)]).then(([st, d]) => [d, st] as const);
          expect([discarded, start.ok]).toContainEqual(true);
          expect(discarded && start.ok).toBe(false);
          if (start.ok) {
            expect(await store.runs.get(id)).toMatchObject({ status: 'running', total: 3, pending: 3 });
          } else {
            expect(start).toEqual({ ok: false, refusal: 'not-found' });
            await store.uploads.deleteDiscarded(id);
            expect(await store.uploads.countRows(id)).toBe(0);
          }
        }
      });

      it('completes an upload once, and never one being discarded', async () => {
        const id = await staged();
        await store.uploads.complete(id, facts);
        await expect(store.uploads.complete(id, facts)).rejects.toThrow(/illegal run transition staged → staged/);
        const dropped = await staged();
        expect(await store.uploads.discard(dropped)).toBe(true);
        await expect(store.uploads.complete(dropped, facts)).rejects.toThrow(/illegal run transition discarding → staged/);
        expect(await store.uploads.get(dropped)).toBeNull();
      });

      it('names the process receiving each upload for every process to see; only that process beats for it, and only while it arrives', async () => {
        const elsewhere = await another();
        const mine = begun(await store.uploads.begin(upload, here, roomy));
        const theirs = begun(await elsewhere.uploads.begin({ ...upload, operator: 'bob' }, { owner: two, nowMs: 1_500 }, roomy));
        const both = [
          { id: mine, appId: 'default', operator: 'ann', owner: one, heartbeatMs: 1_000, finishing: null },
          { id: theirs, appId: 'default', operator: 'bob', owner: two, heartbeatMs: 1_500, finishing: null },
        ];
        expect(await store.uploads.inProgress()).toEqual(both);
        expect(await elsewhere.uploads.inProgress()).toEqual(both);
        expect(await store.uploads.heartbeat(mine, one, 6_000)).toBe(true);
        expect(await store.uploads.heartbeat(theirs, one, 6_000)).toBe(false);
        expect(await elsewhere.uploads.inProgress()).toEqual([{ ...both[0], heartbeatMs: 6_000 }, both[1]]);
        await store.uploads.addRows(mine, 1, packRows([row('a', ['sex'])]));
        await store.uploads.complete(mine, facts);
        expect(await store.uploads.heartbeat(mine, one, 7_000)).toBe(false);
        expect(await elsewhere.uploads.discard(theirs)).toBe(true);
        expect(await elsewhere.uploads.heartbeat(theirs, two, 7_000)).toBe(false);
        expect(await store.uploads.inProgress()).toEqual([]);
      });

      it('discards an upload judged abandoned only while its heartbeat is still the one judged, and never one that has been staged', async () => {
        const id = begun(await store.uploads.begin(upload, here, roomy));
        expect(await store.uploads.discard(id, { heartbeatMs: 500 })).toBe(false);
        expect(await store.uploads.heartbeat(id, one, 2_000)).toBe(true);
        expect(await store.uploads.discard(id, { heartbeatMs: 1_000 })).toBe(false);
        expect(await store.uploads.get(id)).toMatchObject({ status: 'uploading' });
        expect(await store.uploads.discard(id, { heartbeatMs: 2_000 })).toBe(true);
        expect(await store.uploads.discard(id, { heartbeatMs: 2_000 })).toBe(true);
        expect(await store.uploads.inProgress()).toEqual([]);
        const done = await staged();
        await store.uploads.complete(done, facts);
        expect(await store.uploads.discard(done, { heartbeatMs: 1_000 })).toBe(false);
        expect(await store.uploads.get(done)).toMatchObject({ status: 'staged' });
      });

      it('expires staged uploads by age, never one still uploading', async () => {
        const old = await staged();
        await store.uploads.complete(old, { ...facts, nowMs: 100 });
        const receiving = begun(await store.uploads.begin(upload, here, roomy));
        expect(await store.uploads.expired(50)).toEqual([]);
        expect(await store.uploads.expired(101)).toEqual([old]);
        expect((await store.uploads.inProgress()).map((u) => u.id)).toEqual([receiving]);
      });

      it('begins at most the cap of uploads for one operator asked at the same moment', async () => {
        const asks = await Promise.all(Array.from({ length: 5 }, () => store.uploads.begin(upload, here, { ...roomy, max: 3 })));
        expect(asks.filter((r) => r.ok)).toHaveLength(3);
        expect(await store.uploads.inProgress()).toHaveLength(3);
      });

      it('begins no upload for an operator who holds the most already; expired, discarded and started ones free their place', async () => {
        const cap = { ...roomy, max: 3, stagedSinceMs: 500 };
        const full = { ok: false, refusal: 'too-many-held' };
        const old = await staged();
        await store.uploads.complete(old, { ...facts, nowMs: 100 });
        const first = await staged();
        await store.uploads.complete(first, facts);
        const arriving = begun(await store.uploads.begin(upload, here, cap));
        expect(await store.uploads.begin(upload, here, cap)).toMatchObject({ ok: true });
        expect(await store.uploads.begin(upload, here, cap)).toEqual(full);
        expect(await store.uploads.begin({ ...upload, appId: 'other' }, here, cap)).toEqual(full);
        expect(await store.uploads.begin({ ...upload, operator: 'bob' }, here, cap)).toMatchObject({ ok: true });
        expect(await store.uploads.discard(arriving)).toBe(true);
        expect(await store.uploads.begin(upload, here, cap)).toMatchObject({ ok: true });
        expect(await store.uploads.begin(upload, here, cap)).toEqual(full);
        await store.uploads.start(first, { picked: ['tag'], requestKey: 'key-0123456789abcdef', operator: 'ann', kind: 'remove' }, started);
        expect(await store.uploads.begin(upload, here, cap)).toMatchObject({ ok: true });
      });

      it("counts the files arriving at once: one operator's in every process, one process's own; abandoned and staged ones count for nothing", async () => {
        const elsewhere = await another();
        const cap = { ...roomy, readingPerOperator: 2, readingPerProcess: 3, liveSinceMs: 500 };
        const as = (operator: string) => ({ ...upload, operator });
        // Silent since before liveSinceMs: its process is gone.
        begun(await store.uploads.begin(as('ann'), { owner: one, nowMs: 100 }, roomy));
        const annHere = begun(await store.uploads.begin(as('ann'), here, cap));
        begun(await elsewhere.uploads.begin(as('ann'), { owner: two, nowMs: 1_000 }, cap));
        expect(await store.uploads.begin(as('ann'), here, cap)).toEqual({ ok: false, refusal: 'operator-busy' });
        expect(await elsewhere.uploads.begin(as('ann'), { owner: two, nowMs: 1_000 }, cap)).toEqual({ ok: false, refusal: 'operator-busy' });
        begun(await store.uploads.begin(as('bob'), here, cap));
        begun(await store.uploads.begin(as('carl'), here, cap));
        expect(await store.uploads.begin(as('dave'), here, cap)).toEqual({ ok: false, refusal: 'process-busy' });
        begun(await elsewhere.uploads.begin(as('dave'), { owner: two, nowMs: 1_000 }, cap));
        await store.uploads.addRows(annHere, 1, packRows([row('a', ['sex'])]));
        await store.uploads.complete(annHere, facts);
        begun(await store.uploads.begin(as('dave'), here, cap));
        expect(await store.uploads.begin(as('erin'), here, cap)).toEqual({ ok: false, refusal: 'process-busy' });
      });

      it('gives the last place to one of two uploads begun at once, from two processes', async () => {
        const elsewhere = await another();
        const cap = { ...roomy, readingPerOperator: 1 };
        const both = await Promise.all([store.uploads.begin(upload, here, cap), elsewhere.uploads.begin(upload, { owner: two, nowMs: 1_000 }, cap)]);
        expect(both.filter((r) => r.ok)).toHaveLength(1);
        expect(both.filter((r) => !r.ok)).toEqual([{ ok: false, refusal: 'operator-busy' }]);
        expect(await store.uploads.inProgress()).toHaveLength(1);
      });
    });

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

    describe('retries, removals from a dry run, restores: what is refused', () => {
      it('refuses a retry of an unknown run, a running one, a restore, or one with nothing to send again', async () => {
        expect(await store.runs.createRetry(999_999, ['x'], 'ann', retried)).toEqual({ ok: false, refusal: 'not-found' });
        const { runId } = await store.runs.create(run(['a']), { ...by, action: 'run-started' });
        expect(await store.runs.createRetry(runId, ['x'], 'ann', retried)).toEqual({ ok: false, refusal: 'still-running' });
        await store.runs.recordOutcomes(runId, [{ seq: 1, account: 'a', status: 'failed', failure: { key: '70107', code: 70107, info: 'no', handling: 'permanent' }, attempts: 1 }], 1);
        await store.runs.finish(runId, { status: 'completed' });
        expect(await store.runs.createRetry(runId, ['x'], 'ann', retried)).toEqual({ ok: false, refusal: 'nothing-to-retry' });
        const removalId = await finishedWithFailures('remove');
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
        const checkId = await finishedWithFailures('check');
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

      it('restores what a removal took: state from its counters, users copied while it runs, then all restored', async () => {
        const removalId = await finishedWithFailures('remove');
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
        const removalId = await finishedWithFailures('remove');
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

    /** An operator as an admin adds one, unaudited. */
    async function addOperator(username: string) {
      const prepared = await prepareOperator({ username, password: 'a-long-password', role: 'operator' });
      if (!prepared.ok) throw new Error(prepared.code);
      const added = await store.operators.insert(prepared.operator, () => null);
      if (!added.ok) throw new Error(added.code);
      return added.operator;
    }

    describe('operators', () => {
      it('lists, counts and finds operators in any case; changes role, password, state and language, each change audited; refuses an unknown one', async () => {
        await addOperator('carol');
        await addOperator('bob');
        expect((await store.operators.list()).map((o) => o.username)).toEqual(['bob', 'carol']);
        expect(await store.operators.count()).toBe(2);
        const audited = (action: 'operator-role-changed' | 'password-reset' | 'operator-disabled' | 'operator-enabled') => (o: { username: string }) => ({ ...by, action, detail: { username: o.username } });
        expect(await store.operators.setRole('CAROL', 'admin', audited('operator-role-changed'))).toMatchObject({ ok: true, operator: { username: 'carol', role: 'admin' } });
        expect(await store.operators.setPasswordHash('carol', 'another-hash', audited('password-reset'))).toMatchObject({ ok: true });
        expect(await store.operators.setDisabled('carol', true, audited('operator-disabled'))).toMatchObject({ ok: true, operator: { disabled: true } });
        expect(await store.operators.setDisabled('carol', false, audited('operator-enabled'))).toMatchObject({ ok: true, operator: { disabled: false } });
        await store.operators.setLocale('carol', 'zh');
        expect(await store.operators.find('Carol')).toMatchObject({ username: 'carol', role: 'admin', passwordHash: 'another-hash', disabled: false, locale: 'zh' });
        expect(await store.operators.find('nobody')).toBeNull();
        const unknown = { ok: false, code: 'operators.notFound', username: 'nobody' };
        expect(await store.operators.setRole('nobody', 'viewer', audited('operator-role-changed'))).toEqual(unknown);
        expect(await store.operators.setPasswordHash('nobody', 'x', audited('password-reset'))).toEqual(unknown);
        expect(await store.operators.setDisabled('nobody', true, audited('operator-disabled'))).toEqual(unknown);
        expect((await store.audit.list({ limit: 10 })).map((e) => e.action)).toEqual(['operator-enabled', 'operator-disabled', 'password-reset', 'operator-role-changed']);
      });
    });

    describe('sign-ins and sessions', () => {
      const secret = 's'.repeat(40);
      const limits = { idleMs: 600_000, maxAgeMs: 3_600_000 };
      const T = 10_000_000;
      const resolve = (cookie: string | undefined, nowMs: number, withSecret = secret) => store.sessions.resolve(cookie, { ...limits, secret: withSecret, nowMs });
      async function signIn(operator: { id: number; username: string }, nowMs = T) {
        const attempt = await store.signIns.begin({ username: operator.username, clientIp: '10.0.0.1' }, nowMs);
        if (attempt === null) throw new Error('locked out');
        return store.signIns.succeed(attempt, operator.id, { action: 'sign-in', operator: operator.username, clientIp: '10.0.0.1' }, { secret, nowMs });
      }

      it('gives a signed-in operator a session that resolves until it is idle or too old, and never for a forged cookie', async () => {
        const carol = await addOperator('carol');
        const busy = await signIn(carol);
        expect(await resolve(busy, T + 1)).toMatchObject({ id: carol.id, username: 'carol' });
        expect(await resolve(`${busy}x`, T + 1)).toBeNull();
        expect(await resolve(busy, T + 1, 't'.repeat(40))).toBeNull();
        expect(await resolve(undefined, T + 1)).toBeNull();
        for (const at of [500_000, 1_000_000, 1_500_000, 2_000_000, 2_500_000, 3_000_000, 3_500_000]) expect(await resolve(busy, T + at)).not.toBeNull();
        expect(await resolve(busy, T + limits.maxAgeMs + 1)).toBeNull();
        const idle = await signIn(carol);
        expect(await resolve(idle, T + limits.idleMs + 1)).toBeNull();
        expect(await resolve(idle, T + 2)).toBeNull();
        expect((await store.audit.list({ action: 'sign-in', limit: 10 })).map((e) => [e.operator, e.clientIp])).toEqual([
          ['carol', '10.0.0.1'],
          ['carol', '10.0.0.1'],
        ]);
      });

      it('ends a session on sign-out (audited), on a new password and on disabling the operator', async () => {
        const carol = await addOperator('carol');
        const out = await signIn(carol);
        await store.sessions.end(out, secret, { action: 'sign-out', operator: 'carol', clientIp: null });
        expect(await resolve(out, T + 1)).toBeNull();
        await store.sessions.end(undefined, secret, null);
        expect(await store.audit.list({ action: 'sign-out', limit: 10 })).toHaveLength(1);
        const reset = await signIn(carol);
        await store.operators.setPasswordHash('carol', 'another-hash', () => ({ ...by, action: 'password-reset' }));
        expect(await resolve(reset, T + 1)).toBeNull();
        const disabled = await signIn(carol);
        expect(await resolve(disabled, T + 1)).not.toBeNull();
        await store.operators.setDisabled('carol', true, () => ({ ...by, action: 'operator-disabled' }));
        expect(await resolve(disabled, T + 1)).toBeNull();
      });

      it('counts failed sign-ins toward the lockout and successful ones not; an unlock lifts it, audited only when it cleared something', async () => {
        const carol = await addOperator('carol');
        const fail = async (nowMs: number) => {
          const attempt = await store.signIns.begin({ username: 'carol', clientIp: null }, nowMs);
          if (attempt === null) return false;
          await store.signIns.fail(attempt, { action: 'sign-in-failed', operator: 'carol', clientIp: null, detail: { reason: 'credentials' } }, nowMs);
          return true;
        };
        for (let i = 0; i < LOCKOUT_FAILURES - 1; i++) expect(await fail(T + i)).toBe(true);
        await signIn(carol, T + 10);
        expect(await fail(T + 11)).toBe(true);
        expect(await fail(T + 12)).toBe(false);
        expect(await store.operators.lockedOut(T + 12)).toEqual(new Set(['carol']));
        expect(await store.operators.lockedOut(T + LOCKOUT_WINDOW_MS + 12)).toEqual(new Set());
        expect(await store.operators.unlock('CAROL', by, T + 13)).toMatchObject({ ok: true, operator: { username: 'carol' }, cleared: LOCKOUT_FAILURES });
        expect(await store.operators.lockedOut(T + 14)).toEqual(new Set());
        expect(await fail(T + 15)).toBe(true);
        expect(await store.operators.unlock('nobody', by, T + 16)).toEqual({ ok: false, code: 'operators.notFound', username: 'nobody' });
        const fresh = await addOperator('dave');
        expect(await store.operators.unlock(fresh.username, by, T + 17)).toMatchObject({ ok: true, cleared: 0 });
        expect((await store.audit.list({ action: 'operator-unlocked', limit: 10 })).map((e) => e.detail)).toEqual([{ username: 'carol', cleared: LOCKOUT_FAILURES }]);
        expect(await store.audit.list({ action: 'sign-in-failed', limit: 10 })).toHaveLength(LOCKOUT_FAILURES + 1);
      });
    });

    describe('audit log', () => {
      it('lists rows newest first, by action, by operator in any case, a page at a time', async () => {
        await store.audit.record({ action: 'export', operator: 'ann', clientIp: '10.0.0.1', detail: { rows: 3 } }, 1_000);
        await store.audit.record({ action: 'export', operator: 'bob', clientIp: null }, 2_000);
        await store.audit.record({ action: 'sign-out', operator: 'ann', clientIp: null }, 3_000);
        const rows = (entries: AuditEntry[]) => entries.map((e) => [e.action, e.operator]);
        const all = await store.audit.list({ limit: 10 });
        expect(rows(all)).toEqual([
          ['sign-out', 'ann'],
          ['export', 'bob'],
          ['export', 'ann'],
        ]);
        expect(all[2]).toEqual({ id: expect.any(Number), at: new Date(1_000).toISOString(), action: 'export', operator: 'ann', clientIp: '10.0.0.1', runId: null, detail: { rows: 3 } });
        expect(rows(await store.audit.list({ action: 'export', limit: 10 }))).toEqual([
          ['export', 'bob'],
          ['export', 'ann'],
        ]);
        expect(rows(await store.audit.list({ operator: 'ANN', limit: 10 }))).toEqual([
          ['sign-out', 'ann'],
          ['export', 'ann'],
        ]);
        expect(rows(await store.audit.list({ beforeId: all[0]!.id, limit: 1 }))).toEqual([['export', 'bob']]);
      });

      it('adds a counted entry to the row of the same action, caller and detail within its minute, keeping the first few names', async () => {
        const minute = 60_000 * 1_000;
        const unknown = (name: string, at: number) =>
          store.audit.record({ action: 'sign-in-unknown', operator: null, clientIp: '10.0.0.9', detail: { reason: 'credentials' }, counted: { name } }, at);
        for (const [i, name] of ['x1', 'x2', 'x3', 'x4', 'x5', 'x6'].entries()) await unknown(name, minute + i);
        await unknown('y', minute + 60_000);
        expect((await store.audit.list({ action: 'sign-in-unknown', limit: 10 })).map((e) => e.detail)).toEqual([
          { reason: 'credentials', count: 1, names: 'y' },
          { reason: 'credentials', count: 6, names: 'x1, x2, x3, x4, x5' },
        ]);
      });
    });

    describe('API tokens', () => {
      const newToken = (name: string, hash: string) => ({ name, role: 'operator' as const, hash, createdBy: 'ann', expiresAt: '2099-01-01T00:00:00.000Z' });
      const made = (t: { name: string }) => ({ ...by, action: 'token-created' as const, detail: { name: t.name } });
      const revoked = (t: { name: string }) => ({ ...by, action: 'token-revoked' as const, detail: { name: t.name } });

      it('keeps a token by its hash with its audit row, and finds it by that hash only', async () => {
        const token = await store.tokens.create(newToken('nightly sync', 'a'.repeat(64)), made);
        expect(token).toMatchObject({ name: 'nightly sync', role: 'operator', createdBy: 'ann', expiresAt: '2099-01-01T00:00:00.000Z', revokedAt: null });
        expect(await store.tokens.byHash('a'.repeat(64))).toEqual(token);
        expect(await store.tokens.byHash('b'.repeat(64))).toBeNull();
        expect((await store.audit.list({ limit: 10 })).map((e) => [e.action, e.detail])).toEqual([['token-created', { name: 'nightly sync' }]]);
      });

      it('refuses a second live token of one name in any case, even asked at once from two processes; a revoked name is free again', async () => {
        const other = await another();
        const both = await Promise.all([store.tokens.create(newToken('CI', 'a'.repeat(64)), made), other.tokens.create(newToken('ci', 'b'.repeat(64)), made)]);
        expect(both.filter((t) => t !== null)).toHaveLength(1);
        const live = both.find((t) => t !== null)!;
        expect(await store.tokens.revoke(live.id, revoked)).toMatchObject({ id: live.id, revokedAt: expect.any(String) });
        expect(await store.tokens.create(newToken('ci', 'c'.repeat(64)), made)).toMatchObject({ name: 'ci', revokedAt: null });
      });

      it('revokes once: a second revoke, or one of an unknown token, changes and audits nothing', async () => {
        const token = (await store.tokens.create(newToken('ci', 'a'.repeat(64)), made))!;
        const other = await another();
        const twice = await Promise.all([store.tokens.revoke(token.id, revoked), other.tokens.revoke(token.id, revoked)]);
        expect(twice.filter((t) => t !== null)).toHaveLength(1);
        expect(await store.tokens.revoke(token.id + 100, revoked)).toBeNull();
        expect((await store.tokens.byHash('a'.repeat(64)))!.revokedAt).not.toBeNull();
        expect((await store.audit.list({ action: 'token-revoked', limit: 10 })).length).toBe(1);
      });

      it('lists live tokens first, newest first', async () => {
        const first = (await store.tokens.create(newToken('first', 'a'.repeat(64)), made))!;
        await store.tokens.create(newToken('second', 'b'.repeat(64)), made);
        await store.tokens.revoke(first.id, revoked);
        await store.tokens.create(newToken('third', 'c'.repeat(64)), made);
        expect((await store.tokens.list()).map((t) => t.name)).toEqual(['third', 'second', 'first']);
      });
    });

    describe('Idempotency-Keys', () => {
      const token = async () =>
        (await store.tokens.create({ name: 'ci', role: 'operator', hash: 'a'.repeat(64), createdBy: 'ann', expiresAt: '2099-01-01T00:00:00.000Z' }, (t) => ({ ...by, action: 'token-created', detail: { name: t.name } })))!.id;

      it('claims a key once among requests at once from two processes; the others see it in progress, then its answer', async () => {
        const id = await token();
        const other = await another();
        const claims = await Promise.all([store.idempotency.claim(id, 'k1', 'f', 1), other.idempotency.claim(id, 'k1', 'f', 1), store.idempotency.claim(id, 'k1', 'f', 1)]);
        expect(claims.map((c) => c.state).sort()).toEqual(['claimed', 'in-progress', 'in-progress']);
        await store.idempotency.complete(id, 'k1', 201, '{"run":1}');
        expect(await other.idempotency.claim(id, 'k1', 'f', 2)).toEqual({ state: 'done', status: 201, body: '{"run":1}' });
      });

      it('refuses the same key for another request, and frees a key whose request ended without an answer', async () => {
        const id = await token();
        expect(await store.idempotency.claim(id, 'k1', 'f', 1)).toEqual({ state: 'claimed' });
        expect(await store.idempotency.claim(id, 'k1', 'g', 1)).toEqual({ state: 'mismatch' });
        await store.idempotency.release(id, 'k1');
        expect(await store.idempotency.claim(id, 'k1', 'g', 1)).toEqual({ state: 'claimed' });
        await store.idempotency.complete(id, 'k1', 200, '{}');
        await store.idempotency.release(id, 'k1');
        expect(await store.idempotency.claim(id, 'k1', 'g', 1)).toEqual({ state: 'done', status: 200, body: '{}' });
      });

      it('hands a claim left unanswered for a minute (its process died) to the same request again', async () => {
        const id = await token();
        expect(await store.idempotency.claim(id, 'k1', 'f', 1_000)).toEqual({ state: 'claimed' });
        expect(await store.idempotency.claim(id, 'k1', 'f', 1_000 + IDEMPOTENCY_STALE_MS)).toEqual({ state: 'in-progress' });
        expect(await store.idempotency.claim(id, 'k1', 'g', 1_001 + IDEMPOTENCY_STALE_MS)).toEqual({ state: 'mismatch' });
        expect(await store.idempotency.claim(id, 'k1', 'f', 1_001 + IDEMPOTENCY_STALE_MS)).toEqual({ state: 'claimed' });
        expect(await store.idempotency.claim(id, 'k1', 'f', 1_002 + IDEMPOTENCY_STALE_MS)).toEqual({ state: 'in-progress' });
      });

      it('keeps a key per token', async () => {
        const id = await token();
        const second = (await store.tokens.create({ name: 'cd', role: 'operator', hash: 'b'.repeat(64), createdBy: 'ann', expiresAt: '2099-01-01T00:00:00.000Z' }, (t) => ({ ...by, action: 'token-created', detail: { name: t.name } })))!.id;
        expect(await store.idempotency.claim(id, 'k1', 'f', 1)).toEqual({ state: 'claimed' });
        expect(await store.idempotency.claim(second, 'k1', 'f', 1)).toEqual({ state: 'claimed' });
      });
    });

    describe('webhooks', () => {
      const added = (url: string) => ({ ...by, action: 'webhook-added' as const, detail: { url } });
      const add = (url = 'https://hooks.example.com/a') => store.webhooks.add({ url, locale: 'zh', salt: 'salt', createdBy: 'ann' }, (h) => added(h.url));
      const ended = async (status: 'completed' | 'cancelled') => {
        const { runId } = await store.runs.create(run(['a']), { ...by, action: 'run-started' });
        await store.runs.finish(runId, { status });
        return runId;
      };

      it('keeps live hooks with their audit rows, and removes one once', async () => {
        const a = await add();
        const b = await add('https://hooks.example.com/b');
        expect(a).toMatchObject({ url: 'https://hooks.example.com/a', locale: 'zh', salt: 'salt', createdBy: 'ann', last: null });
        expect(await store.webhooks.remove(a.id, (h) => ({ ...by, action: 'webhook-removed', detail: { url: h.url } }))).toMatchObject({ id: a.id });
        expect(await store.webhooks.remove(a.id, (h) => ({ ...by, action: 'webhook-removed', detail: { url: h.url } }))).toBeNull();
        expect((await store.webhooks.list()).map((h) => h.id)).toEqual([b.id]);
        expect((await store.audit.list({ limit: 10 })).map((e) => e.action)).toEqual(['webhook-removed', 'webhook-added', 'webhook-added']);
      });

      it("writes a delivery per live hook with the run's end, due at once; a finished run's end is not written twice", async () => {
        const a = await add();
        const runId = await ended('cancelled');
        const due = await store.webhooks.claimDue(Date.now() + 1, 10, 30_000);
        expect(due).toEqual([{ id: expect.any(Number), hook: { id: a.id, url: a.url, locale: 'zh', salt: 'salt' }, runId, event: 'run.cancelled', body: null, attempts: 0 }]);
        expect(await store.webhooks.claimDue(Date.now() + 1, 10, 30_000)).toEqual([]);
      });

      it('hands each due delivery to one of two processes claiming at once, and takes the recorded outcome', async () => {
        await add();
        await ended('completed');
        const other = await another();
        const now = Date.now() + 1;
        const claims = await Promise.all([store.webhooks.claimDue(now, 10, 30_000), other.webhooks.claimDue(now, 10, 30_000)]);
        expect(claims.flat()).toHaveLength(1);
        const [delivery] = claims.flat();
        await store.webhooks.record(delivery!.id, { body: '{"x":1}', status: 500, error: 'http 500', delivered: false, nextMs: now + 60_000 }, now);
        expect((await store.webhooks.list())[0]!.last).toEqual({ atMs: now, status: 500, error: 'http 500', delivered: false });
        expect(await store.webhooks.claimDue(now + 59_999, 10, 30_000)).toEqual([]);
        expect(await store.webhooks.claimDue(now + 60_000, 10, 30_000)).toMatchObject([{ body: '{"x":1}', attempts: 1 }]);
      });
    });

    describe('the store itself', () => {
      it('answers a ping; purges expired sessions, old audit rows and old sign-in attempts, auditing the purge only when it deleted something', async () => {
        await expect(store.ping()).resolves.toBeUndefined();
        const carol = await addOperator('carol');
        const T = 100_000_000;
        const attempt = await store.signIns.begin({ username: 'carol', clientIp: null }, T);
        const cookie = await store.signIns.succeed(attempt!, carol.id, { action: 'sign-in', operator: 'carol', clientIp: null }, { secret: 's'.repeat(40), nowMs: T });
        await store.audit.record({ action: 'export', operator: 'carol', clientIp: null }, T - 2 * 86_400_000);
        const limits = { idleMs: 600_000, maxAgeMs: 3_600_000, auditRetentionMs: 86_400_000 };
        expect(await store.purgeExpired(limits, T + 1)).toEqual({ sessions: 0, audit: 1, attempts: 0 });
        expect(await store.purgeExpired(limits, T + 2)).toEqual({ sessions: 0, audit: 0, attempts: 0 });
        const later = T + Math.max(limits.idleMs, LOCKOUT_WINDOW_MS) + 1;
        expect(await store.purgeExpired(limits, later)).toEqual({ sessions: 1, audit: 0, attempts: 1 });
        expect(await store.sessions.resolve(cookie, { ...limits, secret: 's'.repeat(40), nowMs: T + 1 })).toBeNull();
        expect((await store.audit.list({ action: 'purge', limit: 10 })).map((e) => e.detail)).toEqual([
          { sessions: 1, audit: 0, attempts: 1 },
          { sessions: 0, audit: 1, attempts: 0 },
        ]);
      });

      it('closes, twice without harm, and answers nothing after', async () => {
        await store.close();
        await store.close();
        await expect(store.ping()).rejects.toThrow();
      });
    });
  });
}
