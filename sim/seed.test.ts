import { describe, expect, it } from 'vitest';
import { DEMO_ATTR_NAMES, demoSeed } from './seed';

describe('demoSeed', () => {
  it('is deterministic, starts with the named users and fills every attribute', () => {
    const a = demoSeed(50);
    expect(a).toEqual(demoSeed(50));
    const ids = Object.keys(a.users);
    expect(ids).toHaveLength(50);
    expect(ids.slice(0, 11)).toEqual(['alice', 'bob', 'carol', 'dave', 'erin', 'frank', 'grace', 'heidi', 'ivan', 'judy', 'user00001']);
    expect(ids.at(-1)).toBe('user00040');
    for (const attrs of Object.values(a.users)) expect(Object.keys(attrs).sort()).toEqual([...DEMO_ATTR_NAMES].sort());
    expect(new Set(Object.values(a.users).map((u) => JSON.stringify(u))).size).toBeGreaterThan(20);
    expect(Object.keys(demoSeed().users)).toHaveLength(2000);
    expect(Object.keys(demoSeed(3).users)).toEqual(['alice', 'bob', 'carol']);
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
