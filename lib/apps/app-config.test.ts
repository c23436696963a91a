import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError, parseConfig } from '../config';
import { KEY_FILE_MAX_BYTES, type SecretSources } from './app-config';
import { createAppRegistry } from './registry';
import { needsTypedConfirm } from './typed-confirm';

const SESSION = { SESSION_SECRET: 'k3J9vQ2xLw7ZpR4tN8bY1cF6hD0sM5gA' };
const files: Record<string, string> = {};
const read = (path: string) => {
  if (!(path in files)) throw new Error('ENOENT');
  return files[path]!;
};
const sources = (env: Record<string, string | undefined>): SecretSources => ({
  env,
  readFile: read,
  readKeyFile: (path) => (path in files ? { ok: true, text: read(path) } : { ok: false, problem: 'cannot be read' }),
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

  it('asks for the app name above 1,000 users on a production app unless the entry sets its own threshold or false', () => {
    files['/run/secrets/prod-key'] = 'prod-secret\n';
    const c = withApps(
      [staging, { ...production, envLabel: 'Production' }, { ...production, id: 'p2', sdkAppId: 3, envLabel: 'prod-eu', typedConfirmAbove: 50 }, { ...production, id: 'p3', sdkAppId: 4, envLabel: 'prod', typedConfirmAbove: false }],
      { STAGING_KEY: 'k' },
    );
    expect(c.apps.map((a) => a.typedConfirmAbove)).toEqual([1000, 1000, 50, null]);
    const registry = createAppRegistry(c.apps, { timeoutMs: 1000 });
    const asks = (id: string, users: number) => needsTypedConfirm(registry.get(id)!.summary, users);
    expect([asks('staging', 5000), asks('prod', 1000), asks('prod', 1001), asks('p2', 51), asks('p2', 50), asks('p3', 10_000_000)]).toEqual([false, false, true, true, false, false]);
    expect(problemsOf([{ ...staging, typedConfirmAbove: true }])).toContainEqual(expect.stringMatching(/field typedConfirmAbove must be a number of users \(0 or more\) or false/));
    expect(problemsOf([{ ...staging, typedConfirmAbove: -1 }])).toContainEqual(expect.stringMatching(/field typedConfirmAbove/));
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

describe('TIM_APPS_FILE keys and addresses', () => {
  const dir = mkdtempSync(join(tmpdir(), 'app-config-test-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  /** The real file readers, as at start-up: the apps file and the key file on disk. */
  function onDisk(keyFile: string, env: Record<string, string> = {}) {
    const appsFile = join(dir, 'apps.json');
    writeFileSync(appsFile, JSON.stringify([{ ...production, secretKeyFile: keyFile }]));
    const all = { ...SESSION, TIM_APPS_FILE: appsFile, ...env };
    try {
      return { key: parseConfig(all).apps[0]!.secretKey.reveal(), problems: [] };
    } catch (err) {
      if (err instanceof ConfigError) return { key: null, problems: err.problems };
      throw err;
    }
  }
  const refused = (keyFile: string) => onDisk(keyFile).problems;

  it('trims spaces and newlines around a key, from a file or a variable, and refuses one that is only that', () => {
    writeFileSync(join(dir, 'spaced'), '  prod-secret \r\n');
    expect(onDisk(join(dir, 'spaced')).key).toBe('prod-secret');
    writeFileSync(join(dir, 'blank'), ' \n\t\n');
    expect(refused(join(dir, 'blank'))).toEqual([expect.stringMatching(/field secretKeyFile names the file .*blank, which is empty$/)]);
    expect(withApps([staging], { STAGING_KEY: ' staging-secret\n' }).apps[0]!.secretKey.reveal()).toBe('staging-secret');
    expect(problemsOf([staging], { STAGING_KEY: ' \n' })[0]).toMatch(/field secretKeyEnv names the environment variable STAGING_KEY, which is not set or empty/);
  });

  it('takes a key only from a regular file of at most 4 KiB, outside /proc and /sys, and never says what another file holds', () => {
    writeFileSync(join(dir, 'large'), 'k'.repeat(KEY_FILE_MAX_BYTES + 1));
    writeFileSync(join(dir, 'largest'), 'k'.repeat(KEY_FILE_MAX_BYTES));
    expect(onDisk(join(dir, 'largest')).key).toHaveLength(KEY_FILE_MAX_BYTES);
    expect(refused(join(dir, 'large'))).toEqual([expect.stringMatching(/which is larger than 4096 bytes, too large for a key$/)]);
    expect(refused('/proc/self/environ')).toEqual([expect.stringMatching(/names the file \/proc\/self\/environ, which is under \/proc or \/sys, not a file holding a key$/)]);
    symlinkSync('/proc/self/environ', join(dir, 'innocent-looking'));
    expect(refused(join(dir, 'innocent-looking'))).toEqual([expect.stringMatching(/innocent-looking, which is under \/proc or \/sys/)]);
    const sysFile = '/sys/kernel/uevent_seqnum';
    if (existsSync(sysFile)) expect(refused(sysFile)).toEqual([expect.stringMatching(/which is under \/proc or \/sys/)]);
    expect(refused('/dev/null')).toEqual([expect.stringMatching(/names the file \/dev\/null, which is not a regular file/)]);
    mkdirSync(join(dir, 'a-directory'));
    expect(refused(join(dir, 'a-directory'))[0]).toMatch(/which is not a regular file/);
    expect(refused(join(dir, 'missing'))[0]).toMatch(/which cannot be read/);
    for (const p of onDisk('/proc/self/environ', { MARKER_IN_ENVIRONMENT: 'marker-value-0451' }).problems) expect(p).not.toContain('marker-value-0451');
  });

  it('refuses a FIFO at once instead of waiting for a writer', () => {
    const fifo = join(dir, 'fifo');
    execFileSync('mkfifo', [fifo]);
    expect(refused(fifo)).toEqual([expect.stringMatching(/fifo, which is not a regular file/)]);
  });

  it('refuses a plain-http baseUrl to another machine, naming the entry, unless ALLOW_INSECURE_TIM_BASE_URL=1', () => {
    const remote = { ...staging, baseUrl: 'http://tim-proxy.internal:8080' };
    expect(problemsOf([remote], { STAGING_KEY: 'k' })).toEqual([
      expect.stringMatching(/^TIM_APPS_FILE entry 1 \("staging"\) field baseUrl is plain http:\/\/ to a host other than this machine .*ALLOW_INSECURE_TIM_BASE_URL=1/),
    ]);
    expect(withApps([remote], { STAGING_KEY: 'k', ALLOW_INSECURE_TIM_BASE_URL: '1' }).apps[0]!.baseUrl).toBe('http://tim-proxy.internal:8080');
    expect(withApps([{ ...staging, baseUrl: 'https://tim-proxy.internal:8443' }], { STAGING_KEY: 'k' }).apps[0]!.baseUrl).toBe('https://tim-proxy.internal:8443');
    // TIM_BASE_URL does not apply with an apps file, so it is not checked either.
    expect(problemsOf([staging], { STAGING_KEY: 'k', TIM_BASE_URL: 'http://tim.example.com' })).toEqual([]);
  });
});
