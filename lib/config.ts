import 'server-only';
import { z } from 'zod';
import { AppsFileError, fileSecretSources, INSECURE_BASE_URL, parseAppsFile, SINGLE_APP_ID, type AppConfig, type SecretSources } from './apps/app-config';
import { DEFAULT_TYPED_CONFIRM_ABOVE } from './apps/typed-confirm';
import { DEFAULT_CSV_LIMITS, type CsvLimits } from './csv/limits';
import { REGIONS, resolveBaseUrl, sendsInClear } from './tim/regions';
import { intBetween } from './env-int';
import { parseDatabaseUrl, type PostgresConfig } from './database-url';
import { estimatedEntropyBits, Secret } from './secret';
import { trustedProxyHopsSchema } from './trusted-proxy-hops';

const uintString = (what: string) =>
  z
    .string({ error: `is required (${what})` })
    .trim()
    .regex(/^\d+$/, { error: `must be a whole number (${what})` })
    .transform(Number);

const positiveInt = (what: string, fallback: number, max: number) => intBetween(what, fallback, 1, max);

/** A variable that lifts one of the start-up safety checks: only `1` does. */
const allows = (what: string) =>
  z
    .enum(['0', '1'], { error: `must be 1 (${what}) or 0, or unset` })
    .optional()
    .transform((v) => v === '1');

/**
 * The least estimated entropy (lib/secret.ts) a SESSION_SECRET must show. The estimate of a short
 * random string falls below its true entropy: 32 random hex characters hold 128 bits but estimate
 * about 116. 120 is reached by random base64 of 32 characters or more and random hex of 40 or
 * more (one base64 string of 32 in 300,000 fell short), and is far above a repeated or patterned
 * string of any length.
 */
export const SESSION_SECRET_MIN_BITS = 120;

const envSchema = z.object({
  TIM_APPS_FILE: z.string().trim().min(1).optional(),
  TIM_SDKAPPID: uintString('the SDKAppID shown in the Chat console, e.g. 1400000000')
    .refine((n) => n > 0 && Number.isSafeInteger(n), { error: 'must be a positive whole number (the SDKAppID shown in the Chat console)' })
    .optional(),
  TIM_SECRET_KEY: z
    .string()
    // Spaces or a newline pasted around the key are not the key's: signed with them, every call fails with 70009.
    .trim()
    .min(1, { error: 'must not be empty (the app key from the Chat console)' })
    .transform((s) => new Secret(s))
    .optional(),
  TIM_ADMIN_IDENTIFIER: z
    .string()
    .trim()
    .min(1, { error: 'must not be empty (an App admin account of the app)' })
    .max(32, { error: 'must be at most 32 bytes (an App admin account of the app)' })
    .optional()
    .transform((s) => s ?? 'administrator'),
  TIM_REGION: z
    .enum(REGIONS, { error: `must be one of ${REGIONS.join(', ')} (the region the SDKAppID was created in)` })
    .optional()
    .transform((r) => r ?? 'china'),
  TIM_BASE_URL: z
    .url({ protocol: /^https?$/, error: 'must be a full http(s) URL such as http://127.0.0.1:4010, or unset' })
    .optional(),
  TIM_MAX_QPS: positiveInt('requests per second across all runs; the documented limit is 100', 100, 10_000),
  TIM_TIMEOUT_MS: positiveInt('per-request timeout in milliseconds', 10_000, 600_000),
  DATABASE_PATH: z
    .string()
    .trim()
    .min(1, { error: 'must not be empty (path of the SQLite file)' })
    .optional()
    .transform((p) => p ?? './data/console.db'),
  // Checked by parseDatabaseUrl, whose problems name the parameter; the value itself may hold a password.
  DATABASE_URL: z.string().optional(),
  SESSION_SECRET: z
    .string({ error: 'is required (at least 32 random characters that sign session cookies, e.g. `openssl rand -base64 48`)' })
    .min(32, { error: 'must be at least 32 characters (e.g. `openssl rand -base64 48`)' })
    .transform((s) => new Secret(s)),
  SESSION_IDLE_MINUTES: positiveInt('minutes without activity before a session ends', 480, 60 * 24 * 30),
  SESSION_MAX_HOURS: positiveInt('hours after sign-in when a session ends, however active', 24, 720),
  AUDIT_RETENTION_DAYS: positiveInt('days an audit log row is kept', 365, 3650),
  SNAPSHOT_RETENTION_DAYS: positiveInt('days the values a removal took away are kept for restore', 30, 3650),
  CSV_MAX_ROWS: positiveInt('data rows one CSV upload may hold', DEFAULT_CSV_LIMITS.maxRows, 100_000_000),
  CSV_MAX_BYTES: positiveInt('bytes one CSV upload may hold (1073741824 is 1 GiB)', DEFAULT_CSV_LIMITS.maxBytes, 16 * 1024 ** 3),
  TRUSTED_PROXY_HOPS: trustedProxyHopsSchema,
  CONSOLE_ADMIN_USERNAME: z.string().trim().min(1).max(64, { error: 'must be at most 64 characters' }).optional(),
  CONSOLE_ADMIN_PASSWORD: z.string().min(12, { error: 'must be at least 12 characters' }).optional().transform((s) => (s === undefined ? undefined : new Secret(s))),
  CONSOLE_ENV_LABEL: z.string().trim().max(40, { error: 'must be at most 40 characters' }).optional(),
  ALLOW_WEAK_SESSION_SECRET: allows('starts with a SESSION_SECRET that looks weak'),
  ALLOW_INSECURE_TIM_BASE_URL: allows('lets an http:// base URL reach a host other than this machine'),
  CONSOLE_URL: z
    .url({ protocol: /^https?$/, error: 'must be the full address operators open the console at, such as https://console.example.com, or unset' })
    .optional(),
  WEBHOOK_ALLOW_HTTP_LOOPBACK: allows('lets a webhook be plain http:// to this machine'),
});

type Env = z.output<typeof envSchema>;

export type Config = {
  /** Every app this console acts on, in the order the operator sees them; never empty. */
  apps: AppConfig[];
  /** Where the apps came from, for the start-up log. */
  appsSource: 'TIM_APPS_FILE' | 'TIM_SDKAPPID';
  /** Single-app variables that are set but do not apply, because TIM_APPS_FILE replaces them. */
  ignoredVars: string[];
  timeoutMs: number;
  databasePath: string;
  /** DATABASE_URL, read: Postgres instead of the SQLite file at databasePath. */
  databaseUrl: PostgresConfig | null;
  sessionSecret: Secret;
  sessionIdleMinutes: number;
  sessionMaxHours: number;
  auditRetentionDays: number;
  /** Days the values kept per user (a removal's snapshot, a check's reading, a restore's writes) are kept after the run. */
  snapshotRetentionDays: number;
  /** Reverse proxies in front that append to X-Forwarded-For; 0: the client address is unknown. */
  trustedProxyHops: number;
  csvLimits: CsvLimits;
  /** Creates the first admin when no operator exists yet. */
  firstAdmin: { username: string; password: Secret } | null;
  /** CONSOLE_URL: where links in webhooks point; null: they are paths. */
  publicUrl: string | null;
  webhooks: { allowHttpLoopback: boolean };
};

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Empty strings count as unset, as they do in most .env tooling. */
function pickEnv(env: Record<string, string | undefined>) {
  const keys = Object.keys(envSchema.shape) as (keyof typeof envSchema.shape)[];
  return Object.fromEntries(keys.map((k) => [k, env[k] === '' ? undefined : env[k]]));
}

const SINGLE_APP_VARS = ['TIM_SDKAPPID', 'TIM_SECRET_KEY', 'TIM_ADMIN_IDENTIFIER', 'TIM_REGION', 'TIM_BASE_URL', 'TIM_MAX_QPS'] as const;

/** TIM_APPS_FILE, or the single-app variables as an app with id "default". */
function resolveApps(e: Env, raw: Record<string, string | undefined>, secrets: SecretSources): AppConfig[] {
  if (e.TIM_APPS_FILE !== undefined) {
    let text: string;
    try {
      text = secrets.readFile(e.TIM_APPS_FILE);
    } catch {
      throw new ConfigError([`TIM_APPS_FILE names ${e.TIM_APPS_FILE}, which cannot be read`]);
    }
    try {
      return parseAppsFile(text, secrets, { allowInsecureBaseUrl: e.ALLOW_INSECURE_TIM_BASE_URL }).map((a) => ({ ...a, envLabel: a.envLabel ?? (e.CONSOLE_ENV_LABEL || null) }));
    } catch (err) {
      if (err instanceof AppsFileError) throw new ConfigError(err.problems.map((p) => `TIM_APPS_FILE ${p}`));
      throw err;
    }
  }
  return [
    {
      id: SINGLE_APP_ID,
      label: `App ${e.TIM_SDKAPPID}`,
      sdkAppId: e.TIM_SDKAPPID!,
      region: e.TIM_REGION,
      baseUrl: resolveBaseUrl(e.TIM_REGION, e.TIM_BASE_URL),
      usesBaseUrlOverride: e.TIM_BASE_URL !== undefined,
      adminIdentifier: e.TIM_ADMIN_IDENTIFIER,
      secretKey: e.TIM_SECRET_KEY!,
      maxQps: e.TIM_MAX_QPS,
      sharedBudget: false,
      envLabel: e.CONSOLE_ENV_LABEL || null,
      typedConfirmAbove: DEFAULT_TYPED_CONFIRM_ABOVE,
    },
  ];
}

/** Without TIM_APPS_FILE, the one app's SDKAppID and key are required. */
function missingSingleApp(picked: Record<string, string | undefined>): string[] {
  if (picked.TIM_APPS_FILE !== undefined) return [];
  return [
    picked.TIM_SDKAPPID === undefined && 'TIM_SDKAPPID is required (the SDKAppID shown in the Chat console, e.g. 1400000000), or set TIM_APPS_FILE',
    picked.TIM_SECRET_KEY === undefined && 'TIM_SECRET_KEY is required (the app key from the Chat console, used to sign UserSig), or set TIM_APPS_FILE',
  ].filter((p): p is string => typeof p === 'string');
}

/**
 * Values that parse but would put the console at risk, from the raw variables so that they are
 * reported with every other problem. Each names the variable that allows it anyway.
 */
function unsafeValues(picked: Record<string, string | undefined>): string[] {
  const problems: string[] = [];
  const secret = picked.SESSION_SECRET;
  if (secret !== undefined && secret.length >= 32 && picked.ALLOW_WEAK_SESSION_SECRET !== '1' && estimatedEntropyBits(secret) < SESSION_SECRET_MIN_BITS) {
    problems.push(
      `SESSION_SECRET looks weak: it repeats too few different characters (estimated entropy under ${SESSION_SECRET_MIN_BITS} bits), and whoever guesses it can forge a session cookie for any operator. ` +
        'Use random characters, e.g. `openssl rand -base64 48`, or set ALLOW_WEAK_SESSION_SECRET=1 to start anyway',
    );
  }
  const baseUrl = picked.TIM_BASE_URL;
  if (picked.TIM_APPS_FILE === undefined && baseUrl !== undefined && URL.canParse(baseUrl) && picked.ALLOW_INSECURE_TIM_BASE_URL !== '1' && sendsInClear(baseUrl)) {
    problems.push(`TIM_BASE_URL ${INSECURE_BASE_URL}`);
  }
  return problems;
}

export function parseConfig(env: Record<string, string | undefined>, secrets: SecretSources = fileSecretSources(env)): Config {
  const picked = pickEnv(env);
  const parsed = envSchema
    .refine((e) => (e.CONSOLE_ADMIN_USERNAME === undefined) === (e.CONSOLE_ADMIN_PASSWORD === undefined), {
      error: 'and CONSOLE_ADMIN_PASSWORD must be set together (the first admin account)',
      path: ['CONSOLE_ADMIN_USERNAME'],
    })
    .safeParse(picked);
  // Never echo the received value: it may be the secret key.
  const database = databaseUrlOf(picked);
  const problems = [
    ...(parsed.success ? [] : parsed.error.issues.map((issue) => `${String(issue.path[0])} ${issue.message}`)),
    ...missingSingleApp(picked),
    ...unsafeValues(picked),
    ...(database.ok ? [] : database.problems),
  ];
  if (!parsed.success || !database.ok || problems.length > 0) throw new ConfigError(problems);
  const e = parsed.data;
  return {
    apps: resolveApps(e, env, secrets),
    appsSource: e.TIM_APPS_FILE !== undefined ? 'TIM_APPS_FILE' : 'TIM_SDKAPPID',
    ignoredVars: e.TIM_APPS_FILE === undefined ? [] : SINGLE_APP_VARS.filter((k) => picked[k] !== undefined),
    timeoutMs: e.TIM_TIMEOUT_MS,
    databasePath: e.DATABASE_PATH,
    databaseUrl: database.config,
    sessionSecret: e.SESSION_SECRET,
    sessionIdleMinutes: e.SESSION_IDLE_MINUTES,
    sessionMaxHours: e.SESSION_MAX_HOURS,
    auditRetentionDays: e.AUDIT_RETENTION_DAYS,
    snapshotRetentionDays: e.SNAPSHOT_RETENTION_DAYS,
    trustedProxyHops: e.TRUSTED_PROXY_HOPS,
    csvLimits: { maxRows: e.CSV_MAX_ROWS, maxBytes: e.CSV_MAX_BYTES },
    firstAdmin:
      e.CONSOLE_ADMIN_USERNAME && e.CONSOLE_ADMIN_PASSWORD ? { username: e.CONSOLE_ADMIN_USERNAME, password: e.CONSOLE_ADMIN_PASSWORD } : null,
    publicUrl: e.CONSOLE_URL?.replace(/\/+$/, '') ?? null,
    webhooks: { allowHttpLoopback: e.WEBHOOK_ALLOW_HTTP_LOOPBACK },
  };
}

/** DATABASE_URL read, or null when unset; its problems never repeat the value. */
function databaseUrlOf(picked: Record<string, string | undefined>): { ok: true; config: PostgresConfig | null } | { ok: false; problems: string[] } {
  const raw = picked.DATABASE_URL?.trim();
  if (!raw) return { ok: true, config: null };
  return parseDatabaseUrl(raw);
}

/** What opens the store, and all a script acting on the database alone needs. */
export type StoreConfig = Pick<Config, 'databasePath' | 'databaseUrl'>;

/** DATABASE_URL, or DATABASE_PATH, by the server's own rules and default, for scripts that need nothing else. */
export function parseStoreConfig(env: Record<string, string | undefined>): StoreConfig {
  const picked = pickEnv(env);
  const parsed = envSchema.pick({ DATABASE_PATH: true }).safeParse(picked);
  const database = databaseUrlOf(picked);
  const problems = [...(parsed.success ? [] : parsed.error.issues.map((issue) => `${String(issue.path[0])} ${issue.message}`)), ...(database.ok ? [] : database.problems)];
  if (!parsed.success || !database.ok) throw new ConfigError(problems);
  return { databasePath: parsed.data.DATABASE_PATH, databaseUrl: database.config };
}

const cache = globalThis as typeof globalThis & { __timConsoleConfig?: Config };

export function getConfig(): Config {
  cache.__timConsoleConfig ??= parseConfig(process.env);
  return cache.__timConsoleConfig;
}
