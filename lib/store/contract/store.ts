import { beforeEach, describe, expect, it } from 'vitest';
import { LOCKOUT_WINDOW_MS } from '../../auth/lockout';
import type { Store } from '../store';
import { addOperator, type ContractStores } from './fixtures';

/** The store itself: ping and close. */
export function storeItselfContract(stores: ContractStores) {
  let store: Store;
  beforeEach(() => ({ store } = stores()));

  describe('the store itself', () => {
    it('answers a ping; purges expired sessions, old audit rows and old sign-in attempts, auditing the purge only when it deleted something', async () => {
      await expect(store.ping()).resolves.toBeUndefined();
      const carol = await addOperator(store, 'carol');
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
}
