import { beforeEach, describe, expect, it } from 'vitest';
import type { AuditEntry } from '../../audit/types';
import type { Store } from '../store';
import { type ContractStores } from './fixtures';

/** The audit log. */
export function auditContract(stores: ContractStores) {
  let store: Store;
  beforeEach(() => ({ store } = stores()));

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
}
