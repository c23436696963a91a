import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig } from '../config';
import type { SecretSources } from './app-config';
import { createAppRegistry } from './registry';

const SESSION = { SESSION_SECRET: 's'.repeat(32) };
const files: Record<string, string> = {};
const sources = (env: Record<string, string | undefined>): SecretSources => ({
  env,
  readFile: (path) => {
    if (!(path in files)) throw new Error('ENOENT');
    return files[path]!;
  },
});

function withApps(apps: unknown, env: Record<string, string> = {}) {
  files['/etc/apps.json'] = typeof apps === 'string' ? apps : JSON.stringify(apps);
  const all = { ...SESSION, TIM_APPS_FILE: '/etc/apps.json', ...env };
  return parseConfig(all, sources(all));
}

function problemsOf(apps: unknown, env: Record<string, string> = {}): string[] {
  try {
    withApps(apps, env);
    return [];
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
}

const staging = { id: 'staging', label: 'Staging', sdkAppId: 1400000001, baseUrl: 'http://127.0.0.1:4010', secretKeyEnv: 'STAGING_KEY', envLabel: 'staging' };
const production = { id: 'prod', label: 'Production', sdkAppId: 1400000002, region: 'singapore', secretKeyFile: '/run/secrets/prod-key', maxQps: 50 };

describe('TIM_APPS_FILE', () => {
  it('replaces the single-app variables, which are then listed as ignored; an app without a label shows its id', () => {
    const { label: _label, ...unlabelled } = staging;
    void _label;
    const c = withApps([{ ...unlabelled, id: 'Stage_1' }], { STAGING_KEY: 'k', TIM_SDKAPPID: '1', TIM_SECRET_KEY: 'x', TIM_REGION: 'tokyo' });
    expect(c.apps.map((a) => [a.id, a.label, a.sdkAppId])).toEqual([['Stage_1', 'Stage_1', 1400000001]]);
    expect(c.ignoredVars).toEqual(['TIM_SDKAPPID', 'TIM_SECRET_KEY', 'TIM_REGION']);
    expect(parseConfig({ ...SESSION, TIM_SDKAPPID: '1', TIM_SECRET_KEY: 'x' }).ignoredVars).toEqual([]);
  });

  it('reads several apps, keys by environment variable or file, with per-app defaults', () => {
    files['/run/secrets/prod-key'] = 'prod-secret\n';
    const c = withApps([staging, production], { STAGING_KEY: 'staging-secret' });
    expect(c.appsSource).toBe('TIM_APPS_FILE');
    expect(c.apps.map((a) => [a.id, a.sdkAppId, a.baseUrl, a.maxQps, a.adminIdentifier, a.envLabel])).toEqual([
      ['staging', 1400000001, 'http://127.0.0.1:4010', 100, 'administrator', 'staging'],
      ['prod', 1400000002, 'https://adminapisgp.im.qcloud.com', 50, 'administrator', null],
    ]);
    expect(c.apps[0]!.secretKey.reveal()).toBe('staging-secret');
    expect(c.apps[1]!.secretKey.reveal()).toBe('prod-secret');
    expect(c.apps.map((a) => a.sharedBudget)).toEqual([false, false]);
    expect(JSON.stringify(c)).not.toMatch(/staging-secret|prod-secret/);
  });

  it('lets an app say its three per-user APIs share one budget', () => {
    files['/run/secrets/prod-key'] = 'prod-secret\n';
    const c = withApps([staging, { ...production, sharedBudget: true }], { STAGING_KEY: 'staging-secret' });
    expect(c.apps.map((a) => a.sharedBudget)).toEqual([false, true]);
    expect(problemsOf([{ ...staging, sharedBudget: 'yes' }])).toContainEqual(expect.stringMatching(/field sharedBudget must be true or false/));
    const registry = createAppRegistry(c.apps, { timeoutMs: 1000 });
    const own = registry.get('staging')!.budgets;
    const one = registry.get('prod')!.budgets;
    expect(new Set([own.remove_attr, own.get_attr, own.set_attr]).size).toBe(3);
    expect(new Set([one.remove_attr, one.get_attr, one.set_attr]).size).toBe(1);
  });

  it('names the entry and the field of each problem, and never quotes a key', () => {
    const found = problemsOf([{ ...staging, sdkAppId: 'x' }, { ...production, id: 'Prod!' }]);
    expect(found).toContainEqual(expect.stringMatching(/^TIM_APPS_FILE entry 1 \("staging"\) field sdkAppId must be the SDKAppID as a number/));
    expect(found).toContainEqual(expect.stringMatching(/^TIM_APPS_FILE entry 2 field id must be a short slug/));
  });

  it('refuses a key written into the file itself', () => {
    const found = problemsOf([{ ...staging, secretKey: 'pasted-key-value' }]);
    expect(found).toEqual([expect.stringMatching(/entry 1 \("staging"\) has unknown field\(s\) secretKey: a key belongs in secretKeyEnv or secretKeyFile/)]);
    expect(found.join()).not.toContain('pasted-key-value');
  });

  it('needs exactly one key reference, and a key that can be had', () => {
    const { secretKeyEnv: _unused, ...noKey } = staging;
    void _unused;
    expect(problemsOf([noKey])[0]).toMatch(/entry 1 \("staging"\) field secretKeyEnv needs exactly one of secretKeyEnv/);
    expect(problemsOf([{ ...staging, secretKeyFile: '/x' }])[0]).toMatch(/needs exactly one/);
    expect(problemsOf([staging])[0]).toMatch(/entry 1 \("staging"\) field secretKeyEnv names the environment variable STAGING_KEY, which is not set/);
    expect(problemsOf([{ ...production, secretKeyFile: '/nope' }])[0]).toMatch(/field secretKeyFile names the file \/nope, which cannot be read/);
  });

  it('refuses repeated ids and SDKAppIDs, an empty list, bad JSON and an unreadable file', () => {
    const env = { STAGING_KEY: 'k' };
    expect(problemsOf([staging, { ...staging, sdkAppId: 1 }], env)[0]).toMatch(/entry 2 \("staging"\) field id repeats/);
    expect(problemsOf([staging, { ...staging, id: 'other' }], env)[0]).toMatch(/entry 2 \("other"\) field sdkAppId repeats/);
    expect(problemsOf([])[0]).toMatch(/^TIM_APPS_FILE must list at least one app/);
    expect(problemsOf('[{')[0]).toMatch(/^TIM_APPS_FILE is not valid JSON/);
    const all = { ...SESSION, TIM_APPS_FILE: '/missing.json' };
    expect(() => parseConfig(all, sources(all))).toThrow(/TIM_APPS_FILE names \/missing.json, which cannot be read/);
  });
});
