import { spawn } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, readCliConfig } from './cli-config';

describe('readCliConfig', () => {
  it('has the documented defaults: one demo app', () => {
    expect(readCliConfig({})).toMatchObject({
      port: 4010,
      apps: [{ sdkAppId: 1400000000, admins: ['administrator'], userCount: 2000 }],
      qpsLimit: 100,
      latencyMs: 0,
      faults: { error91000: 0, http5xx: 0, slow: 0, hang: 0, drop: 0, hugeErrorInfo: 0, hugeBody: 0, hugeBytes: 10_000_000 },
      ignored: [],
    });
  });

  it('names the bad variable', () => {
    expect(() => readCliConfig({ SIM_PORT: 'abc' })).toThrow(/SIM_PORT/);
    expect(() => readCliConfig({ SIM_FAULT_5XX: '1.5' })).toThrow(/SIM_FAULT_5XX/);
    expect(() => readCliConfig({ SIM_QPS: '0' })).toThrow(/SIM_QPS/);
    expect(() => readCliConfig({ SIM_ADMINS: 'a,,b' })).toThrow(/SIM_ADMINS/);
    expect(() => readCliConfig({ SIM_SECRET_KEY: '' })).toThrow(/SIM_SECRET_KEY/);
    expect(readCliConfig({ SIM_ADMINS: 'a, b', SIM_FAULT_DROP: '0.25' })).toMatchObject({ apps: [{ admins: ['a', 'b'] }], faults: { drop: 0.25 } });
    expect(() => readCliConfig({ SIM_FAULT_HUGE_BYTES: '1e9' })).toThrow(/SIM_FAULT_HUGE_BYTES/);
    expect(readCliConfig({ SIM_FAULT_HUGE_ERRORINFO: '1', SIM_FAULT_HUGE_BODY: '0.5', SIM_FAULT_HUGE_BYTES: '2000000' })).toMatchObject({
      faults: { hugeErrorInfo: 1, hugeBody: 0.5, hugeBytes: 2_000_000 },
    });
  });

  it('reads SIM_APPS instead of the single-app variables', () => {
    const cfg = readCliConfig({
      SIM_APPS: JSON.stringify([
        { sdkAppId: 1400000001, secretKey: 'k1', users: 20, admins: ['administrator'], label: 'staging' },
        { sdkAppId: 1400000002, secretKey: 'k2', qpsLimit: { remove_attr: 50 } },
      ]),
      SIM_SDKAPPID: '1400000009',
      SIM_USERS: '5',
      SIM_QPS: '80',
    });
    expect(cfg.apps).toEqual([
      { sdkAppId: 1400000001, secretKey: 'k1', admins: ['administrator'], userCount: 20, label: 'staging' },
      { sdkAppId: 1400000002, secretKey: 'k2', admins: ['administrator'], userCount: 2000, qpsLimit: { remove_attr: 50 } },
    ]);
    expect(cfg.qpsLimit).toBe(80);
    expect(cfg.ignored).toEqual(['SIM_SDKAPPID', 'SIM_USERS']);
    // Blank means unset, as for the other variables.
    expect(readCliConfig({ SIM_APPS: '  ' }).apps).toHaveLength(1);
  });

  it('names SIM_APPS, the entry and the field of a bad value, and never quotes a key', () => {
    const bad = (apps: unknown) => () => readCliConfig({ SIM_APPS: typeof apps === 'string' ? apps : JSON.stringify(apps) });
    const ok = { sdkAppId: 1400000001, secretKey: 'top-secret-1' };
    const cases: [unknown, RegExp][] = [
      ['[{"sdkAppId":1,"secretKey":"top-secret-1"', /^SIM_APPS must be a JSON array of apps, but it is not valid JSON$/],
      [[], /^SIM_APPS must be a non-empty JSON array/],
      [{ sdkAppId: 1 }, /^SIM_APPS must be a non-empty JSON array/],
      [[ok, 'x'], /^SIM_APPS\[1\] must be an object$/],
      [[ok, { secretKey: 'top-secret-2' }], /^SIM_APPS\[1\]\.sdkAppId must be a positive integer$/],
      [[{ ...ok, sdkAppId: '1400000001' }], /^SIM_APPS\[0\]\.sdkAppId must be a positive integer$/],
      [[ok, { ...ok, secretKey: 'top-secret-2' }], /^SIM_APPS\[1\]\.sdkAppId is the same as SIM_APPS\[0\]\.sdkAppId$/],
      [[{ sdkAppId: 1 }], /^SIM_APPS\[0\]\.secretKey must be a non-empty string$/],
      [[{ ...ok, secretKey: '' }], /^SIM_APPS\[0\]\.secretKey must be a non-empty string$/],
      [[{ ...ok, users: -1 }], /^SIM_APPS\[0\]\.users must be an integer/],
      [[{ ...ok, users: 1.5 }], /^SIM_APPS\[0\]\.users must be an integer/],
      [[{ ...ok, admins: [] }], /^SIM_APPS\[0\]\.admins must be/],
      [[{ ...ok, admins: ['a', ' '] }], /^SIM_APPS\[0\]\.admins must be/],
      [[{ ...ok, admins: 'administrator' }], /^SIM_APPS\[0\]\.admins must be/],
      [[{ ...ok, label: 7 }], /^SIM_APPS\[0\]\.label must be/],
      [[{ ...ok, qpsLimit: 0 }], /^SIM_APPS\[0\]\.qpsLimit must be/],
      [[{ ...ok, qpsLimit: { remove: 5 } }], /^SIM_APPS\[0\]\.qpsLimit must be .*unknown key "remove"/],
      [[{ ...ok, qpsLimit: { get_attr: 'top-secret-1' } }], /^SIM_APPS\[0\]\.qpsLimit must be .*bad value for get_attr/],
      [[{ ...ok, secretkey: 'top-secret-2' }], /^SIM_APPS\[0\] has an unknown field "secretkey"/],
    ];
    for (const [apps, message] of cases) {
      let thrown: unknown;
      try {
        bad(apps)();
      } catch (e) {
        thrown = e;
      }
      expect(thrown, JSON.stringify(apps)).toBeInstanceOf(ConfigError);
      expect((thrown as Error).message, JSON.stringify(apps)).toMatch(message);
      expect((thrown as Error).message).not.toContain('top-secret');
    }
  });
});

// Each test spawns node with tsx, which takes a couple of seconds on a busy machine.
describe('npm run sim (sim/cli.ts)', { timeout: 30_000 }, () => {
  const root = path.join(import.meta.dirname, '..');

  function run(env: Record<string, string>): { output: () => string; exited: Promise<number | null>; stop: () => void } {
    const child = spawn(process.execPath, ['--import', 'tsx', 'sim/cli.ts'], { cwd: root, env: { ...process.env, SIM_PORT: '0', ...env } });
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (out += c.toString()));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    return { output: () => out, exited, stop: () => child.kill('SIGTERM') };
  }

  it('starts every SIM_APPS app, one line each without the key, with different values per app', async () => {
    const apps = [
      { sdkAppId: 1400000001, secretKey: 'cli-secret-one', users: 30, label: 'staging' },
      { sdkAppId: 1400000002, secretKey: 'cli-secret-two', users: 12 },
    ];
    const p = run({ SIM_APPS: JSON.stringify(apps) });
    try {
      const deadline = Date.now() + 20_000;
      while (!/SDKAppID 1400000002/.test(p.output()) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      const lines = p.output().trim().split('\n');
      expect(lines[0]).toMatch(/^TIM simulator listening on http:\/\/127\.0\.0\.1:\d+$/);
      expect(lines.slice(1)).toEqual([
        '  SDKAppID 1400000001 (staging): 30 users, attributes: sex, city, tier, country, plan',
        '  SDKAppID 1400000002: 12 users, attributes: sex, city, tier, country, plan',
      ]);
      expect(p.output()).not.toContain('cli-secret');

      const url = lines[0]!.replace('TIM simulator listening on ', '');
      const listed = (await (await fetch(`${url}/__sim/apps`)).json()) as { sdkAppId: number; label?: string; users: number }[];
      expect(listed.map((a) => [a.sdkAppId, a.label, a.users])).toEqual([
        [1400000001, 'staging', 30],
        [1400000002, undefined, 12],
      ]);
      const alice = async (id: number) => (await fetch(`${url}/__sim/users/alice?sdkappid=${id}`)).json() as Promise<unknown>;
      expect(await alice(1400000001)).not.toEqual(await alice(1400000002));
    } finally {
      p.stop();
      await p.exited;
    }
  });

  it('exits 1 on a bad SIM_APPS, naming the field but not the key', async () => {
    const p = run({ SIM_APPS: JSON.stringify([{ sdkAppId: 0, secretKey: 'cli-secret-three' }]) });
    expect(await p.exited).toBe(1);
    expect(p.output()).toContain('SIM_APPS[0].sdkAppId must be a positive integer');
    expect(p.output()).not.toContain('cli-secret');
  });
});
