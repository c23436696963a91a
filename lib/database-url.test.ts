import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig, parseStoreConfig } from './config';
import { parseDatabaseUrl } from './database-url';

const PASSWORD = 'pa55-w0rd-n0t-for-logs';
const base = { TIM_SDKAPPID: '1400000000', TIM_SECRET_KEY: 'super-secret-value', SESSION_SECRET: 'k3J9vQ2xLw7ZpR4tN8bY1cF6hD0sM5gA' };

function problems(url: string): string[] {
  const parsed = parseDatabaseUrl(url);
  return parsed.ok ? [] : parsed.problems;
}

describe('DATABASE_URL', () => {
  it('reads pool, statement_timeout and sslmode from the query, with defaults, and passes the rest to pg without them', () => {
    const parsed = parseDatabaseUrl(`postgres://console:${PASSWORD}@db.internal:6432/console?pool=20&statement_timeout=5000&sslmode=verify-full&application_name=x`);
    if (!parsed.ok) throw new Error(parsed.problems.join());
    expect(parsed.config).toMatchObject({ display: 'postgres://console@db.internal:6432/console', pool: 20, statementTimeoutMs: 5000, ssl: { mode: 'verify-full', rootCertPath: null } });
    expect(parsed.config.connectionString.reveal()).toBe(`postgres://console:${PASSWORD}@db.internal:6432/console?application_name=x`);
    const plain = parseDatabaseUrl('postgresql://db/console');
    expect(plain).toMatchObject({ ok: true, config: { pool: 10, statementTimeoutMs: 30_000, ssl: { mode: 'disable' } } });
    expect(plain.ok && plain.config.connectionString.reveal()).toBe('postgresql://db/console');
  });

  it('reads a Unix socket URL, which has a user and no host', () => {
    const parsed = parseDatabaseUrl('postgres://root@/console?host=/var/run/postgresql&pool=3');
    expect(parsed).toMatchObject({ ok: true, config: { display: 'postgres://root@/var/run/postgresql/console', pool: 3 } });
    expect(parsed.ok && parsed.config.connectionString.reveal()).toBe('postgres://root@/console?host=/var/run/postgresql');
  });

  it('names the variable and the parameter of each bad value, and never repeats the URL or its password', () => {
    const url = `postgres://console:${PASSWORD}@db/console?pool=0&statement_timeout=1.5&sslmode=prefer&pool=2`;
    const found = problems(url);
    expect(found).toEqual([
      'DATABASE_URL parameter pool is given more than once',
      'DATABASE_URL parameter pool must be a whole number from 1 to 100 (connections each console process opens)',
      'DATABASE_URL parameter statement_timeout must be a whole number of milliseconds (0 for none)',
      'DATABASE_URL parameter sslmode must be one of disable, require, verify-ca, verify-full',
    ]);
    expect(problems(`postgres://console:${PASSWORD}@db/console?pool=101`)).toEqual([expect.stringMatching(/^DATABASE_URL parameter pool must be/)]);
    expect(problems(`postgres://console:${PASSWORD}@db/console?sslmode=verify-ca`)).toEqual([expect.stringMatching(/^DATABASE_URL parameter sslmode=verify-ca needs sslrootcert/)]);
    expect(problems(`postgres://console:${PASSWORD}@db/console?sslrootcert=/ca.pem`)).toEqual([expect.stringMatching(/^DATABASE_URL parameter sslrootcert needs sslmode/)]);
    expect(problems(`mysql://console:${PASSWORD}@db/console`)).toEqual([expect.stringMatching(/^DATABASE_URL must be a postgres:\/\/ URL/)]);
    expect(problems(`not a url ${PASSWORD}`)).toEqual([expect.stringMatching(/^DATABASE_URL must be a postgres:\/\/ URL/)]);
    for (const p of [found, problems(`mysql://console:${PASSWORD}@db/console`)].flat()) expect(p).not.toContain(PASSWORD);
  });

  it('selects Postgres in the configuration only when set, stops start-up when bad, and keeps the password out of JSON and strings', () => {
    expect(parseConfig(base).databaseUrl).toBeNull();
    expect(parseStoreConfig({ DATABASE_PATH: './x.db' })).toEqual({ databasePath: './x.db', databaseUrl: null });
    expect(parseStoreConfig({ DATABASE_URL: '' }).databaseUrl).toBeNull();
    const config = parseConfig({ ...base, DATABASE_URL: `postgres://console:${PASSWORD}@db/console` });
    expect(config.databaseUrl).toMatchObject({ display: 'postgres://console@db/console' });
    expect(JSON.stringify(config)).not.toContain(PASSWORD);
    expect(String(config.databaseUrl!.connectionString)).toBe('[redacted]');
    for (const parse of [() => parseConfig({ ...base, DATABASE_URL: `postgres://console:${PASSWORD}@db/console?pool=x` }), () => parseStoreConfig({ DATABASE_URL: `postgres://console:${PASSWORD}@db/console?pool=x` })]) {
      const err = (() => {
        try {
          parse();
        } catch (e) {
          return e;
        }
      })();
      expect(err).toBeInstanceOf(ConfigError);
      expect((err as ConfigError).problems).toEqual([expect.stringMatching(/^DATABASE_URL parameter pool must be/)]);
      expect((err as ConfigError).message).not.toContain(PASSWORD);
    }
  });
});
