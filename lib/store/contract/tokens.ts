import { beforeEach, describe, expect, it } from 'vitest';
import { IDEMPOTENCY_STALE_MS } from '../../tokens/idempotency';
import type { Store } from '../store';
import { by, type ContractStores } from './fixtures';

/** API tokens and Idempotency-Keys. */
export function tokensContract(stores: ContractStores) {
  let store: Store;
  let another: () => Promise<Store>;
  beforeEach(() => ({ store, another } = stores()));

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
}
