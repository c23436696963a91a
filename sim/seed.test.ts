import { describe, expect, it } from 'vitest';
import { DEMO_ATTR_NAMES, demoSeed } from './seed';
import { readCliConfig } from './cli-config';

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
});

describe('readCliConfig', () => {
  it('has the documented defaults', () => {
    expect(readCliConfig({})).toMatchObject({
      port: 4010,
      sdkAppId: 1400000000,
      admins: ['administrator'],
      userCount: 2000,
      qpsLimit: 100,
      latencyMs: 0,
      faults: { error91000: 0, http5xx: 0, slow: 0, hang: 0, drop: 0 },
    });
  });

  it('names the bad variable', () => {
    expect(() => readCliConfig({ SIM_PORT: 'abc' })).toThrow(/SIM_PORT/);
    expect(() => readCliConfig({ SIM_FAULT_5XX: '1.5' })).toThrow(/SIM_FAULT_5XX/);
    expect(() => readCliConfig({ SIM_QPS: '0' })).toThrow(/SIM_QPS/);
    expect(() => readCliConfig({ SIM_ADMINS: 'a,,b' })).toThrow(/SIM_ADMINS/);
    expect(() => readCliConfig({ SIM_SECRET_KEY: '' })).toThrow(/SIM_SECRET_KEY/);
    expect(readCliConfig({ SIM_ADMINS: 'a, b', SIM_FAULT_DROP: '0.25' })).toMatchObject({ admins: ['a', 'b'], faults: { drop: 0.25 } });
  });
});
