import { beforeEach, describe, expect, it } from 'vitest';
import { LOCKOUT_FAILURES, LOCKOUT_WINDOW_MS } from '../../auth/lockout';
import { prepareOperator } from '../../auth/operators';
import type { Store } from '../store';
import { addOperator, by, type ContractStores } from './fixtures';

/** Operators, sign-ins, the lockout and sessions. */
export function operatorsContract(stores: ContractStores) {
  let store: Store;
  beforeEach(() => ({ store } = stores()));

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

  describe('operators', () => {
    it('lists, counts and finds operators in any case; changes role, password, state and language, each change audited; refuses an unknown one', async () => {
      await addOperator(store, 'carol');
      await addOperator(store, 'bob');
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
      const carol = await addOperator(store, 'carol');
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
      const carol = await addOperator(store, 'carol');
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
      const carol = await addOperator(store, 'carol');
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
      const fresh = await addOperator(store, 'dave');
      expect(await store.operators.unlock(fresh.username, by, T + 17)).toMatchObject({ ok: true, cleared: 0 });
      expect((await store.audit.list({ action: 'operator-unlocked', limit: 10 })).map((e) => e.detail)).toEqual([{ username: 'carol', cleared: LOCKOUT_FAILURES }]);
      expect(await store.audit.list({ action: 'sign-in-failed', limit: 10 })).toHaveLength(LOCKOUT_FAILURES + 1);
    });
  });
}
