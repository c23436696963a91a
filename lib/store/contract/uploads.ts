import { beforeEach, describe, expect, it } from 'vitest';
import { packRows } from '../../uploads/staged-rows';
import type { Store } from '../store';
import { by, run, type ContractStores } from './fixtures';

/** Staged CSV uploads: begun under caps, appended, completed, discarded, started, expired. */
export function uploadsContract(stores: ContractStores) {
  let store: Store;
  let another: () => Promise<Store>;
  beforeEach(() => ({ store, another } = stores()));

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
}
