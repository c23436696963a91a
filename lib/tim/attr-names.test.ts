import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from '../../sim/server';
import { createAttrNamesCache } from './attr-names';
import { createTimClient } from './client';
import { DEFAULT_RETRY_POLICY } from './policy';
import { createUserSigCache } from './usersig-cache';

const APP = 1400000005;
const KEY = 'names-key';
let sim: Simulator;

beforeAll(async () => {
  sim = await startSimulator({ sdkAppId: APP, secretKey: KEY, attrNames: ['sex', 'city'] });
});
afterAll(() => sim.close());

const tim = () =>
  createTimClient({ sdkAppId: APP, identifier: 'administrator', baseUrl: sim.url, timeoutMs: 2000, userSig: createUserSigCache({ sdkAppId: APP, identifier: 'administrator', secretKey: () => KEY }) });

describe('attribute-name cache', () => {
  it('takes a slot of the app’s get_attr_name budget for each call, and serves a cached answer for 30 s', async () => {
    let now = 0;
    let slots = 0;
    let released = 0;
    const budget = { acquire: async () => (slots++, { release: () => void released++, rateLimited: () => {} }) };
    const cache = createAttrNamesCache(tim(), budget, { now: () => now });
    expect(await cache.load()).toEqual({ ok: true, names: ['sex', 'city'] });
    now += 29_000;
    await cache.load();
    expect(slots).toBe(1);
    await cache.load({ fresh: true });
    now += 31_000;
    await cache.load();
    expect(slots).toBe(3);
    expect(released).toBe(3);
    expect(sim.stats().byApi.get_attr_name).toBe(3);
  });

  it('slows the budget when get_attr_name is answered 60007', async () => {
    sim.reset();
    sim.setConfig({ qpsLimit: { get_attr_name: 1 } });
    try {
      let limited = 0;
      const budget = { acquire: async () => ({ release: () => {}, rateLimited: () => void limited++ }) };
      const cache = createAttrNamesCache(tim(), budget);
      expect(await cache.load()).toMatchObject({ ok: true });
      expect(await cache.load({ fresh: true })).toMatchObject({ ok: false, failure: { code: 60007 } });
      expect(limited).toBe(1);
    } finally {
      sim.reset();
    }
  });

  it('retries a transient failure (91000) with back-off, and gives up after the policy’s attempts', async () => {
    sim.reset();
    const slept: number[] = [];
    const budget = { acquire: async () => ({ release: () => {}, rateLimited: () => {} }) };
    try {
      sim.setConfig({ faults: { error91000: 1 } });
      // The server recovers while the console waits before its second request.
      const recovering = createAttrNamesCache(tim(), budget, { sleep: async (ms) => void (slept.push(ms), sim.setConfig({ faults: { error91000: 0 } })), random: () => 1 });
      expect(await recovering.load()).toEqual({ ok: true, names: ['sex', 'city'] });
      expect(slept).toEqual([DEFAULT_RETRY_POLICY.baseDelayMs]);
      expect(sim.stats().byApi.get_attr_name).toBe(2);

      sim.reset();
      sim.setConfig({ faults: { error91000: 1 } });
      slept.length = 0;
      const down = createAttrNamesCache(tim(), budget, { sleep: async (ms) => void slept.push(ms), random: () => 1 });
      expect(await down.load()).toMatchObject({ ok: false, failure: { code: 91000, handling: 'retry' } });
      expect(sim.stats().byApi.get_attr_name).toBe(DEFAULT_RETRY_POLICY.maxAttempts);
      expect(slept).toEqual([250, 500, 1000, 2000]);
    } finally {
      sim.reset();
    }
  });
});
