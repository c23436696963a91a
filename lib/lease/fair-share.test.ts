import { describe, expect, it } from 'vitest';
import type { AppLease } from './app-lease';
import { planShare, type ShareView } from './fair-share';

const me = { id: 'me', pid: 10, host: 'h1' };
const lease = (appId: string, holder: string, over: Partial<AppLease> = {}): AppLease => ({
  appId,
  holder,
  pid: holder === 'me' ? 10 : 20,
  host: 'h1',
  acquiredAt: '2026-01-01T00:00:00.000Z',
  expiresMs: 50_000,
  token: 1,
  ...over,
});
const view = (over: Partial<ShareView>): ShareView => ({ me, apps: ['a', 'b', 'c'], live: 1, leases: [], held: [], nowMs: 10_000, isAlive: () => true, ...over });

describe('fair share of apps over live processes', () => {
  it('takes every free app while alone', () => {
    const plan = planShare(view({}));
    expect(plan.target).toBe(3);
    expect([...plan.take].sort()).toEqual(['a', 'b', 'c']);
  });

  it('releases the most recently taken extra once a second process is alive: 3 apps over 2 is 2 and 1', () => {
    const leases = [lease('a', 'me'), lease('b', 'me', { acquiredAt: '2026-01-01T00:00:05.000Z' }), lease('c', 'me')];
    expect(planShare(view({ live: 2, leases, held: ['a', 'b', 'c'] }))).toEqual({ target: 2, release: ['b'], take: [] });
  });

  it('takes up to its share of free apps, and only free ones: unheld, lapsed, or held by a dead process on this host', () => {
    const leases = [lease('a', 'other'), lease('b', 'other', { expiresMs: 10_000 }), lease('c', 'dead', { pid: 30 })];
    const plan = planShare(view({ live: 2, leases, isAlive: (pid) => pid !== 30 }));
    expect(plan.target).toBe(2);
    expect([...plan.take].sort()).toEqual(['b', 'c']);
    // A holder on another host is never judged by a pid here: only its lease's expiry frees the app.
    const remote = [lease('c', 'dead', { pid: 30, host: 'h2' })];
    expect(planShare(view({ live: 2, leases: remote, held: ['a', 'b'], isAlive: () => false })).take).toEqual([]);
  });

  it('touches nothing at its share, so leases do not move back and forth', () => {
    const leases = [lease('a', 'me'), lease('b', 'other'), lease('c', 'third')];
    expect(planShare(view({ live: 3, leases, held: ['a'] }))).toEqual({ target: 1, release: [], take: [] });
    // One free app and two processes at their share of 1 of 3: room for it appears only when one of them is gone.
    expect(planShare(view({ live: 3, leases: [lease('a', 'me'), lease('b', 'other')], held: ['a'] })).take).toEqual([]);
    expect(planShare(view({ live: 2, leases: [lease('a', 'me'), lease('b', 'other')], held: ['a'] })).take).toEqual(['c']);
  });

  it('lets go of an app no longer configured here, whatever its share', () => {
    expect(planShare(view({ apps: ['a'], live: 1, held: ['a', 'gone'] }))).toEqual({ target: 1, release: ['gone'], take: [] });
  });
});
