import { beforeEach, describe, expect, it } from 'vitest';
import type { Store } from '../store';
import { by, run, type ContractStores } from './fixtures';

/** Webhooks and their deliveries. */
export function webhooksContract(stores: ContractStores) {
  let store: Store;
  let another: () => Promise<Store>;
  beforeEach(() => ({ store, another } = stores()));

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
}
