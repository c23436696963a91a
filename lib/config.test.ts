import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { E2E } from '../e2e/support/env';
import { ConfigError, parseConfig } from './config';

const base = { TIM_SDKAPPID: '1400000000', TIM_SECRET_KEY: 'super-secret-value', SESSION_SECRET: 'k3J9vQ2xLw7ZpR4tN8bY1cF6hD0sM5gA' };

function problems(env: Record<string, string | undefined>): string[] {
  try {
    parseConfig(env);
    return [];
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
}

describe('parseConfig', () => {
  it('applies SPEC defaults', () => {
    const c = parseConfig(base);
    expect(c).toMatchObject({ appsSource: 'TIM_SDKAPPID', timeoutMs: 10000, databasePath: './data/console.db' });
    expect(c.apps).toHaveLength(1);
    expect(c.apps[0]).toMatchObject({
      id: 'default',
      sdkAppId: 1400000000,
      adminIdentifier: 'administrator',
      region: 'china',
      baseUrl: 'https://console.tim.qq.com',
      usesBaseUrlOverride: false,
      maxQps: 100,
      envLabel: null,
    });
    expect(c.apps[0]!.secretKey.reveal()).toBe('super-secret-value');
  });

  it('maps every region to its domain and lets TIM_BASE_URL override it', () => {
    const app = (env: Record<string, string>) => parseConfig({ ...base, ...env }).apps[0]!;
    expect(app({ TIM_REGION: 'singapore' }).baseUrl).toBe('https://adminapisgp.im.qcloud.com');
    expect(app({ TIM_REGION: 'silicon-valley' }).baseUrl).toBe('https://adminapiusa.im.qcloud.com');
    expect(app({ TIM_REGION: 'jakarta' }).baseUrl).toBe('https://adminapiidn.im.qcloud.com');
    const c = app({ TIM_REGION: 'tokyo', TIM_BASE_URL: 'http://127.0.0.1:4010/' });
    expect(c.baseUrl).toBe('http://127.0.0.1:4010');
    expect(c.usesBaseUrlOverride).toBe(true);
  });

  it('names each bad variable and how to fix it', () => {
    const found = problems({ TIM_SDKAPPID: 'abc', TIM_REGION: 'mars', TIM_MAX_QPS: '0', TIM_TIMEOUT_MS: '1.5', TIM_BASE_URL: 'ftp://x' });
    expect(found).toHaveLength(7);
    expect(found.find((p) => p.startsWith('TIM_SDKAPPID'))).toMatch(/whole number/);
    expect(found.find((p) => p.startsWith('TIM_SECRET_KEY'))).toMatch(/required/);
    expect(found.find((p) => p.startsWith('TIM_REGION'))).toMatch(/china, singapore/);
    expect(found.find((p) => p.startsWith('TIM_MAX_QPS'))).toMatch(/between 1 and/);
    expect(found.find((p) => p.startsWith('TIM_TIMEOUT_MS'))).toMatch(/whole number/);
    expect(found.find((p) => p.startsWith('TIM_BASE_URL'))).toMatch(/http/);
    expect(found.find((p) => p.startsWith('SESSION_SECRET'))).toMatch(/required/);
  });

  it('checks the session and first-admin settings', () => {
    expect(problems({ ...base, SESSION_SECRET: 'short' })[0]).toMatch(/^SESSION_SECRET must be at least 32/);
    expect(problems({ ...base, CONSOLE_ADMIN_USERNAME: 'root' })[0]).toMatch(/^CONSOLE_ADMIN_USERNAME and CONSOLE_ADMIN_PASSWORD must be set together/);
    expect(problems({ ...base, CONSOLE_ADMIN_USERNAME: 'root', CONSOLE_ADMIN_PASSWORD: 'short' })[0]).toMatch(/^CONSOLE_ADMIN_PASSWORD must be at least 12/);
    const c = parseConfig({ ...base, CONSOLE_ADMIN_USERNAME: 'root', CONSOLE_ADMIN_PASSWORD: 'a-long-password', CONSOLE_ENV_LABEL: 'production' });
    expect(c.firstAdmin?.username).toBe('root');
    expect(JSON.stringify(c)).not.toContain('a-long-password');
    expect(c.apps[0]!.envLabel).toBe('production');
    expect(c.sessionIdleMinutes).toBe(480);
    expect(c.sessionMaxHours).toBe(24);
    expect(parseConfig({ ...base, SESSION_MAX_HOURS: '720' }).sessionMaxHours).toBe(720);
    expect(problems({ ...base, SESSION_MAX_HOURS: '721' })[0]).toMatch(/^SESSION_MAX_HOURS must be between 1 and 720 \(hours after sign-in/);
    expect(problems({ ...base, SESSION_MAX_HOURS: '0' })[0]).toMatch(/^SESSION_MAX_HOURS must be between 1 and 720/);
    expect(c.auditRetentionDays).toBe(365);
    expect(problems({ ...base, AUDIT_RETENTION_DAYS: '3651' })[0]).toMatch(/^AUDIT_RETENTION_DAYS must be between 1 and 3650 \(days an audit log row/);
  });

  it('refuses a SESSION_SECRET that repeats too few characters, unless ALLOW_WEAK_SESSION_SECRET=1, and takes random ones', () => {
    for (const weak of ['a'.repeat(32), 'ab'.repeat(20), 'changeme'.repeat(4), '0123'.repeat(10)]) {
      const found = problems({ ...base, SESSION_SECRET: weak });
      expect(found, weak).toEqual([expect.stringMatching(/^SESSION_SECRET looks weak: .*forge a session cookie.*openssl rand -base64 48.*ALLOW_WEAK_SESSION_SECRET=1/)]);
      expect(found.join(), 'never quotes the secret').not.toContain(weak);
      expect(parseConfig({ ...base, SESSION_SECRET: weak, ALLOW_WEAK_SESSION_SECRET: '1' }).sessionSecret.reveal()).toBe(weak);
    }
    expect(problems({ ...base, SESSION_SECRET: 'a'.repeat(32), ALLOW_WEAK_SESSION_SECRET: 'yes' })).toEqual([
      expect.stringMatching(/^ALLOW_WEAK_SESSION_SECRET must be 1 \(starts with a SESSION_SECRET that looks weak\) or 0/),
      expect.stringMatching(/^SESSION_SECRET looks weak/),
    ]);
    // Still 32 characters at least, allowed or not.
    expect(problems({ ...base, SESSION_SECRET: 'short', ALLOW_WEAK_SESSION_SECRET: '1' })[0]).toMatch(/^SESSION_SECRET must be at least 32/);

    // What the demo, the benchmark and the browser tests use, and random ones as README says to make them.
    expect(problems({ ...base, SESSION_SECRET: E2E.sessionSecret })).toEqual([]);
    for (let i = 0; i < 200; i++) {
      // scripts/demo.ts and scripts/bench.ts; README's `openssl rand -base64 48`; 24 random bytes as hex.
      for (const secret of [randomBytes(36).toString('base64'), randomBytes(48).toString('base64'), randomBytes(24).toString('hex')]) {
        expect(problems({ ...base, SESSION_SECRET: secret })).toEqual([]);
      }
    }
  });

  it('refuses a plain-http TIM_BASE_URL to another machine, unless ALLOW_INSECURE_TIM_BASE_URL=1', () => {
    for (const local of ['http://127.0.0.1:4010', 'http://127.8.9.10:4010', 'http://localhost:4010', 'http://LOCALHOST', 'http://[::1]:4010', 'http://127.1:4010', 'https://tim.example.com']) {
      expect(problems({ ...base, TIM_BASE_URL: local }), local).toEqual([]);
    }
    for (const remote of ['http://tim.example.com', 'http://10.0.0.5:4010', 'http://[::2]:4010', 'http://localhost.example.com', 'http://128.0.0.1']) {
      expect(problems({ ...base, TIM_BASE_URL: remote }), remote).toEqual([
        expect.stringMatching(/^TIM_BASE_URL is plain http:\/\/ to a host other than this machine .*UserSig.*ALLOW_INSECURE_TIM_BASE_URL=1/),
      ]);
      expect(parseConfig({ ...base, TIM_BASE_URL: remote, ALLOW_INSECURE_TIM_BASE_URL: '1' }).apps[0]!.baseUrl).toBe(remote);
    }
    expect(problems({ ...base, TIM_BASE_URL: 'http://tim.example.com', ALLOW_INSECURE_TIM_BASE_URL: 'true' })[0]).toMatch(/^ALLOW_INSECURE_TIM_BASE_URL must be 1/);
  });

  it('trims spaces and newlines around TIM_SECRET_KEY, and refuses one that is only that', () => {
    expect(parseConfig({ ...base, TIM_SECRET_KEY: ' super-secret-value \n' }).apps[0]!.secretKey.reveal()).toBe('super-secret-value');
    expect(problems({ ...base, TIM_SECRET_KEY: ' \n' })).toEqual(['TIM_SECRET_KEY must not be empty (the app key from the Chat console)']);
  });

  it('reads TRUSTED_PROXY_HOPS: 0 by default, a whole number up to 10', () => {
    expect(parseConfig(base).trustedProxyHops).toBe(0);
    expect(parseConfig({ ...base, TRUSTED_PROXY_HOPS: '2' }).trustedProxyHops).toBe(2);
    expect(problems({ ...base, TRUSTED_PROXY_HOPS: '11' })[0]).toMatch(/^TRUSTED_PROXY_HOPS must be between 0 and 10 \(how many reverse proxies/);
    expect(problems({ ...base, TRUSTED_PROXY_HOPS: '-1' })[0]).toMatch(/^TRUSTED_PROXY_HOPS must be a whole number/);
  });

  it('reads CSV_MAX_ROWS and CSV_MAX_BYTES: 10,000,000 rows and 1 GiB by default, and names the variable of a bad value', () => {
    expect(parseConfig(base).csvLimits).toEqual({ maxRows: 10_000_000, maxBytes: 1024 ** 3 });
    expect(parseConfig({ ...base, CSV_MAX_ROWS: '500', CSV_MAX_BYTES: '2048' }).csvLimits).toEqual({ maxRows: 500, maxBytes: 2048 });
    expect(problems({ ...base, CSV_MAX_ROWS: '1e7' })[0]).toMatch(/^CSV_MAX_ROWS must be a whole number \(data rows/);
    expect(problems({ ...base, CSV_MAX_BYTES: '0' })[0]).toMatch(/^CSV_MAX_BYTES must be between 1 and/);
  });

  it('treats empty strings as unset', () => {
    expect(parseConfig({ ...base, TIM_REGION: '', TIM_BASE_URL: '' }).apps[0]!.baseUrl).toBe('https://console.tim.qq.com');
    expect(problems({ ...base, TIM_SECRET_KEY: '' })[0]).toMatch(/^TIM_SECRET_KEY/);
  });

  it('never prints the secret key: not in errors, JSON or string form', () => {
    const c = parseConfig(base);
    expect(JSON.stringify(c)).not.toContain('super-secret-value');
    expect(String(c.apps[0]!.secretKey)).toBe('[redacted]');
    const err = problems({ ...base, TIM_SDKAPPID: 'super-secret-value' }).join('\n');
    expect(err).not.toContain('super-secret-value');
  });
});
