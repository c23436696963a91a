import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig } from './config';

const base = { TIM_SDKAPPID: '1400000000', TIM_SECRET_KEY: 'super-secret-value', SESSION_SECRET: 's'.repeat(32) };

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
