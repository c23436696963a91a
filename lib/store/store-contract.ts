import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { prepareOperator } from '../auth/operators';
import { PROGRESS_SECONDS } from '../runs/progress';
import type { Store } from './store';

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

    describe('uploads', () => {
      const upload = { appId: 'default', sdkAppId: 1400000000, region: 'china', operator: 'ann', fileName: 'list.csv' };
      const row = (account: string, attrs: string[], withPicked = false) => ({ account, attrs, withPicked });
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

      async function staged() {
        const id = begun(await store.uploads.begin(upload, here, roomy));
        expect(await store.uploads.addRows(id, 1, [row('a', ['sex']), row('b', [], true)])).toEqual({ merged: 0 });
        expect(await store.uploads.addRows(id, 3, [row('a', ['city']), row('c', ['sex'])])).toEqual({ merged: 1 });
        await store.uploads.addIssues(id, [{ line: 4, code: 'csv.idEmpty' }]);
        return id;
      }

      it('merges a user repeated across batches into its first row, and is not a run until started', async () => {
        const id = await staged();
        expect(await store.uploads.get(id)).toMatchObject({ status: 'uploading', users: 3 });
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
          [4, 'c', ['sex']],
        ]);
        expect(await store.runs.get(id)).toMatchObject({ status: 'running', total: 3, attrs: ['sex', 'city', 'tag'], file: { name: 'list.csv', duplicateRows: 1 } });
        expect((await store.runs.users(id, { limit: 10 })).map((u) => u.attrs)).toEqual([['sex', 'city'], ['tag'], ['sex']]);
        expect((await store.audit.list({ action: 'run-started', limit: 10 })).map((e) => e.runId)).toEqual([id]);
        expect(await store.uploads.get(id)).toBeNull();
      });

      it('discards an upload with its rows and issues, and never a run', async () => {
        const id = await staged();
        expect(await store.uploads.countRows(id)).toBe(3);
        expect(await store.uploads.expired(0, true)).toEqual([id]);
        expect(await store.uploads.discard(id)).toBe(true);
        await store.uploads.deleteDiscarded(id);
        expect(await store.uploads.get(id)).toBeNull();
        expect(await store.uploads.countRows(id)).toBe(0);
        expect(await store.uploads.issues(id, { limit: 10 })).toEqual([]);
        expect(await store.uploads.expired(0, true)).toEqual([]);
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
        expect(await store.uploads.expired(0, false)).toEqual([discarded]);
        expect(await store.uploads.discard(discarded)).toBe(true);
        await store.uploads.deleteDiscarded(discarded);
        expect(await store.uploads.expired(0, false)).toEqual([]);

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

      it('names the process receiving each upload for every process to see; only that process beats for it, and only while it arrives', async () => {
        const elsewhere = await another();
        const mine = begun(await store.uploads.begin(upload, here, roomy));
        const theirs = begun(await elsewhere.uploads.begin({ ...upload, operator: 'bob' }, { owner: two, nowMs: 1_500 }, roomy));
        const both = [
          { id: mine, operator: 'ann', owner: one, heartbeatMs: 1_000 },
          { id: theirs, operator: 'bob', owner: two, heartbeatMs: 1_500 },
        ];
        expect(await store.uploads.inProgress()).toEqual(both);
        expect(await elsewhere.uploads.inProgress()).toEqual(both);
        expect(await store.uploads.heartbeat(mine, one, 6_000)).toBe(true);
        expect(await store.uploads.heartbeat(theirs, one, 6_000)).toBe(false);
        expect(await elsewhere.uploads.inProgress()).toEqual([{ ...both[0], heartbeatMs: 6_000 }, both[1]]);
        await store.uploads.addRows(mine, 1, [row('a', ['sex'])]);
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

      it('expires staged uploads by age, and those still uploading only when asked', async () => {
        const old = await staged();
        await store.uploads.complete(old, { ...facts, nowMs: 100 });
        const receiving = begun(await store.uploads.begin(upload, here, roomy));
        expect(await store.uploads.expired(50, false)).toEqual([]);
        expect(await store.uploads.expired(101, false)).toEqual([old]);
        expect(await store.uploads.expired(50, true)).toEqual([receiving]);
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
        await store.uploads.addRows(annHere, 1, [row('a', ['sex'])]);
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

    it('gives the worker lease to one holder at a time', async () => {
      const a = { id: 'a', pid: 1, host: 'h' };
      const b = { id: 'b', pid: 2, host: 'h' };
      expect(await store.lease.acquire(a, { nowMs: 0, isAlive: () => true })).toEqual({ ok: true });
      expect(await store.lease.acquire(b, { nowMs: 1, isAlive: () => true })).toMatchObject({ ok: false, holder: { holder: 'a' } });
      expect(await store.lease.acquire(a, { nowMs: 2, isAlive: () => true })).toEqual({ ok: true });
    });
  });
}
