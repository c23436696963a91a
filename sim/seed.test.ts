import { describe, expect, it } from 'vitest';
import { DEMO_ATTR_NAMES, demoSeed } from './seed';

describe('demoSeed', () => {
  it('is deterministic and starts with the named users', () => {
    const a = demoSeed(50);
    expect(a).toEqual(demoSeed(50));
    const ids = Object.keys(a.users);
    expect(ids).toHaveLength(50);
    expect(ids.slice(0, 11)).toEqual(['alice', 'bob', 'carol', 'dave', 'erin', 'frank', 'grace', 'heidi', 'ivan', 'judy', 'user00001']);
    expect(ids.at(-1)).toBe('user00040');
    for (const attrs of Object.values(a.users)) for (const k of Object.keys(attrs)) expect(DEMO_ATTR_NAMES).toContain(k);
    expect(new Set(Object.values(a.users).map((u) => JSON.stringify(u))).size).toBeGreaterThan(20);
    expect(Object.keys(demoSeed().users)).toHaveLength(2000);
    expect(Object.keys(demoSeed(3).users)).toEqual(['alice', 'bob', 'carol']);
  });

  it('leaves gaps: every 4th user has no plan, every 6th no tier; sex, city and country are always set', () => {
    const users = Object.values(demoSeed(1200).users);
    users.forEach((attrs, i) => {
      expect(Object.keys(attrs), `user #${i}`).toEqual(
        ['sex', 'city', ...(i % 6 === 5 ? [] : ['tier']), 'country', ...(i % 4 === 3 ? [] : ['plan'])],
      );
    });
    expect(users.filter((u) => !('plan' in u))).toHaveLength(300);
    expect(users.filter((u) => !('tier' in u))).toHaveLength(200);
    expect(users.filter((u) => !('plan' in u) && !('tier' in u))).toHaveLength(100);
  });

  it('keeps what the browser tests (e2e/) rely on', () => {
    const { users } = demoSeed(3000);
    // remove.spec: alice keeps tier after city and sex go; grace still has city after a stopped run.
    expect(Object.keys(users.alice ?? {})).toEqual(['sex', 'city', 'tier', 'country', 'plan']);
    expect(users.grace).toHaveProperty('city');
    // bulk.spec: user02400 keeps tier; not-sent users of the cancelled run still have sex.
    expect(users.user02400).toHaveProperty('tier');
    for (const attrs of Object.values(users)) expect(attrs).toHaveProperty('sex');
  });

  it('a variant keeps the user IDs and gives every user other values', () => {
    const base = demoSeed(300);
    expect(demoSeed(300, 0)).toEqual(base);
    for (const v of [1, 2, 3, 10]) {
      const other = demoSeed(300, v);
      expect(Object.keys(other.users)).toEqual(Object.keys(base.users));
      expect(other.attrNames).toEqual(base.attrNames);
      for (const [id, attrs] of Object.entries(other.users)) expect(attrs, `${id} in variant ${v}`).not.toEqual(base.users[id]);
    }
    expect(() => demoSeed(3, -1)).toThrow(/variant/);
  });
});
