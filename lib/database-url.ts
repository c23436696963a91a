import 'server-only';
import { Secret } from './secret';

/** How the Postgres store connects, from DATABASE_URL. */
export interface PostgresConfig {
  /** The URL less the console's own parameters, as pg reads it; it may hold the password. */
  connectionString: Secret;
  /** postgres://user@host:port/database: for logs and messages, never a password or a parameter. */
  display: string;
  /** Connections each console process keeps open at most. */
  pool: number;
  /** A statement running longer is cancelled by the server; 0 lets it run. */
  statementTimeoutMs: number;
  ssl: { mode: SslMode; rootCertPath: string | null };
}

/** libpq's modes that Node's TLS can honour: `prefer` and `allow` fall back to clear text, which pg cannot do. */
export const SSL_MODES = ['disable', 'require', 'verify-ca', 'verify-full'] as const;
export type SslMode = (typeof SSL_MODES)[number];

export const DEFAULT_POOL = 10;
export const MAX_POOL = 100;
export const DEFAULT_STATEMENT_TIMEOUT_MS = 30_000;

/** Parameters the console reads itself; pg never sees them. */
const OWN = ['pool', 'statement_timeout', 'sslmode', 'sslrootcert'] as const;

const wholeNumber = (v: string) => (/^\d+$/.test(v) ? Number(v) : null);

/**
 * DATABASE_URL, checked: each problem names the variable and the parameter, and none repeats the
 * value, which may hold the password.
 */
export function parseDatabaseUrl(raw: string): { ok: true; config: PostgresConfig } | { ok: false; problems: string[] } {
  const url = parseUrl(raw.trim());
  if (!url || !['postgres:', 'postgresql:'].includes(url.protocol)) {
    return { ok: false, problems: ['DATABASE_URL must be a postgres:// URL, e.g. postgres://console@db.internal:5432/console?sslmode=verify-full'] };
  }
  const params = url.searchParams;
  const problems: string[] = [];
  for (const name of OWN) if (params.getAll(name).length > 1) problems.push(`DATABASE_URL parameter ${name} is given more than once`);

  const poolRaw = params.get('pool');
  const pool = poolRaw === null ? DEFAULT_POOL : wholeNumber(poolRaw);
  if (pool === null || pool < 1 || pool > MAX_POOL) problems.push(`DATABASE_URL parameter pool must be a whole number from 1 to ${MAX_POOL} (connections each console process opens)`);

  const timeoutRaw = params.get('statement_timeout');
  const statementTimeoutMs = timeoutRaw === null ? DEFAULT_STATEMENT_TIMEOUT_MS : wholeNumber(timeoutRaw);
  if (statementTimeoutMs === null || statementTimeoutMs > 2_147_483_647) {
    problems.push('DATABASE_URL parameter statement_timeout must be a whole number of milliseconds (0 for none)');
  }

  const modeRaw = params.get('sslmode') ?? 'disable';
  const mode = SSL_MODES.find((m) => m === modeRaw);
  if (!mode) problems.push(`DATABASE_URL parameter sslmode must be one of ${SSL_MODES.join(', ')}`);
  const rootCertPath = params.get('sslrootcert');
  if (rootCertPath === '') problems.push('DATABASE_URL parameter sslrootcert must name a file (the CA certificate the server is verified against)');
  if (rootCertPath && mode === 'disable') problems.push('DATABASE_URL parameter sslrootcert needs sslmode require, verify-ca or verify-full');
  if (mode === 'verify-ca' && !rootCertPath) problems.push('DATABASE_URL parameter sslmode=verify-ca needs sslrootcert (the CA certificate to verify against)');

  if (problems.length > 0 || pool === null || statementTimeoutMs === null || !mode) return { ok: false, problems };
  return {
    ok: true,
    config: {
      connectionString: new Secret(withoutOwnParams(raw.trim())),
      display: displayOf(url),
      pool,
      statementTimeoutMs,
      ssl: { mode, rootCertPath: rootCertPath ?? null },
    },
  };
}

/**
 * WHATWG URLs refuse a user with no host (postgres://console@/db?host=/var/run/postgresql, a
 * Unix socket), which pg reads; such a URL is read here with a stand-in host.
 */
function parseUrl(s: string): URL | null {
  if (URL.canParse(s)) return new URL(s);
  const withHost = s.replace(/^(postgres(?:ql)?:\/\/(?:[^@/?#]*@)?)(?=[/?#]|$)/, '$1localhost');
  return withHost !== s && URL.canParse(withHost) ? new URL(withHost) : null;
}

/** Cut from the text rather than re-serialised, so every other parameter and escape reaches pg exactly as written. */
function withoutOwnParams(s: string): string {
  const at = s.indexOf('?');
  if (at < 0) return s;
  const kept = s
    .slice(at + 1)
    .split('&')
    .filter((pair) => pair !== '' && !(OWN as readonly string[]).includes(decodeURIComponent(pair.split('=')[0]!.replace(/\+/g, ' '))));
  return kept.length === 0 ? s.slice(0, at) : `${s.slice(0, at)}?${kept.join('&')}`;
}

function displayOf(url: URL): string {
  const user = url.username === '' ? '' : `${decodeURIComponent(url.username)}@`;
  const host = url.searchParams.get('host') ?? url.host;
  return `postgres://${user}${host}${url.pathname}`;
}
