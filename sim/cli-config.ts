// SIM_* environment parsing, separate from cli.ts so it can be unit-tested without starting a server.
import type { SimQpsLimit } from './config';
import { MAX_HUGE_BYTES, type SimFaults } from './faults';
import { SIM_APIS } from './wire';
import { DEMO_SDKAPPID, DEMO_SECRET_KEY } from './seed';

export class ConfigError extends Error {}

type Env = Record<string, string | undefined>;

/** Not 10M: demoSeed builds a plain object, and V8 stalls past about 8.3M keys (9M had not finished in 5 minutes). */
export const MAX_USERS = 5_000_000;
const MAX_QPS = 1_000_000;

function readInt(env: Env, name: string, def: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') return def;
  const t = raw.trim();
  if (!/^\d+$/.test(t) || Number(t) < min || Number(t) > max) {
    throw new ConfigError(`${name} must be an integer in ${min}..${max}, got ${JSON.stringify(raw)}`);
  }
  return Number(t);
}

function readNumber(env: Env, name: string, def: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') return def;
  const v = Number(raw.trim());
  if (!Number.isFinite(v) || v < min || v > max) {
    throw new ConfigError(`${name} must be a number in ${min}..${max}, got ${JSON.stringify(raw)}`);
  }
  return v;
}

/** One app the CLI starts; seeded with demoSeed(userCount, its index). */
export interface CliApp {
  sdkAppId: number;
  secretKey: string;
  admins: string[];
  userCount: number;
  label?: string;
  /** Only when its SIM_APPS entry sets one; otherwise SIM_QPS applies. */
  qpsLimit?: SimQpsLimit;
}

export interface CliConfig {
  port: number;
  /** From SIM_APPS, or the one app of SIM_SDKAPPID / SIM_SECRET_KEY / SIM_USERS / SIM_ADMINS. */
  apps: CliApp[];
  /** SIM_QPS: every app's limit for every API, unless its SIM_APPS entry has a qpsLimit. */
  qpsLimit: number;
  latencyMs: number;
  latencyJitterMs: number;
  faults: SimFaults;
  /** Single-app variables that were set but do not apply because SIM_APPS is set. */
  ignored: string[];
}

const SINGLE_APP_VARS = ['SIM_SDKAPPID', 'SIM_SECRET_KEY', 'SIM_USERS', 'SIM_ADMINS'] as const;
const APP_FIELDS = ['sdkAppId', 'secretKey', 'users', 'admins', 'label', 'qpsLimit'] as const;

const isInt = (v: unknown, min: number, max: number): v is number =>
  typeof v === 'number' && Number.isSafeInteger(v) && v >= min && v <= max;

/**
 * SIM_APPS: a JSON array of {sdkAppId, secretKey, users?, admins?, label?, qpsLimit?}. Messages name
 * the entry and the field but never quote a value: the entries carry secret keys.
 */
function readApps(raw: string): CliApp[] {
  let doc: unknown;
  try {
    doc = JSON.parse(raw);
  } catch {
    // JSON.parse's own message quotes the input, which may hold a key.
    throw new ConfigError('SIM_APPS must be a JSON array of apps, but it is not valid JSON');
  }
  if (!Array.isArray(doc) || doc.length === 0) throw new ConfigError('SIM_APPS must be a non-empty JSON array of apps');
  const seen = new Map<number, number>();
  return doc.map((entry: unknown, i): CliApp => {
    const at = `SIM_APPS[${i}]`;
    if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) throw new ConfigError(`${at} must be an object`);
    const e = entry as Record<string, unknown>;
    for (const k of Object.keys(e)) {
      if (!(APP_FIELDS as readonly string[]).includes(k)) {
        throw new ConfigError(`${at} has an unknown field ${JSON.stringify(k)} (known: ${APP_FIELDS.join(', ')})`);
      }
    }
    if (!isInt(e.sdkAppId, 1, Number.MAX_SAFE_INTEGER)) throw new ConfigError(`${at}.sdkAppId must be a positive integer`);
    const earlier = seen.get(e.sdkAppId);
    if (earlier !== undefined) throw new ConfigError(`${at}.sdkAppId is the same as SIM_APPS[${earlier}].sdkAppId`);
    seen.set(e.sdkAppId, i);
    if (typeof e.secretKey !== 'string' || e.secretKey.length === 0) throw new ConfigError(`${at}.secretKey must be a non-empty string`);
    if (e.users !== undefined && !isInt(e.users, 0, MAX_USERS)) throw new ConfigError(`${at}.users must be an integer in 0..${MAX_USERS}`);
    if (
      e.admins !== undefined &&
      (!Array.isArray(e.admins) || e.admins.length === 0 || !e.admins.every((a) => typeof a === 'string' && a.trim().length > 0))
    ) {
      throw new ConfigError(`${at}.admins must be a non-empty array of non-empty ids`);
    }
    if (e.label !== undefined && (typeof e.label !== 'string' || e.label.trim().length === 0)) {
      throw new ConfigError(`${at}.label must be a non-empty string`);
    }
    const app: CliApp = {
      sdkAppId: e.sdkAppId,
      secretKey: e.secretKey,
      admins: e.admins === undefined ? ['administrator'] : (e.admins as string[]).map((a) => a.trim()),
      userCount: e.users === undefined ? 2000 : e.users,
    };
    if (e.label !== undefined) app.label = (e.label as string).trim();
    if (e.qpsLimit !== undefined) app.qpsLimit = readQpsLimit(e.qpsLimit, `${at}.qpsLimit`);
    return app;
  });
}

function readQpsLimit(v: unknown, at: string): SimQpsLimit {
  if (isInt(v, 1, MAX_QPS)) return v;
  const problem = `${at} must be an integer in 1..${MAX_QPS} or an object of such integers keyed by ${SIM_APIS.join(', ')}`;
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new ConfigError(problem);
  const out: Partial<Record<string, number>> = {};
  for (const [k, n] of Object.entries(v)) {
    if (!(SIM_APIS as readonly string[]).includes(k)) throw new ConfigError(`${problem} (unknown key ${JSON.stringify(k)})`);
    if (!isInt(n, 1, MAX_QPS)) throw new ConfigError(`${problem} (bad value for ${k})`);
    out[k] = n;
  }
  return out;
}

function readSingleApp(env: Env): CliApp {
  const secretKey = env.SIM_SECRET_KEY ?? DEMO_SECRET_KEY;
  if (secretKey.length === 0) throw new ConfigError('SIM_SECRET_KEY must not be empty');
  const adminsRaw = env.SIM_ADMINS ?? 'administrator';
  const admins = adminsRaw.split(',').map((s) => s.trim());
  if (admins.some((a) => a.length === 0)) {
    throw new ConfigError(`SIM_ADMINS must be a comma-separated list of non-empty ids, got ${JSON.stringify(adminsRaw)}`);
  }
  return {
    sdkAppId: readInt(env, 'SIM_SDKAPPID', DEMO_SDKAPPID, 1, Number.MAX_SAFE_INTEGER),
    secretKey,
    admins,
    userCount: readInt(env, 'SIM_USERS', 2000, 0, MAX_USERS),
  };
}

export function readCliConfig(env: Env): CliConfig {
  const appsRaw = env.SIM_APPS;
  const multi = appsRaw !== undefined && appsRaw.trim() !== '';
  return {
    port: readInt(env, 'SIM_PORT', 4010, 0, 65535),
    apps: multi ? readApps(appsRaw) : [readSingleApp(env)],
    qpsLimit: readInt(env, 'SIM_QPS', 100, 1, MAX_QPS),
    latencyMs: readNumber(env, 'SIM_LATENCY_MS', 0, 0, 600_000),
    latencyJitterMs: readNumber(env, 'SIM_LATENCY_JITTER_MS', 0, 0, 600_000),
    faults: {
      error91000: readNumber(env, 'SIM_FAULT_91000', 0, 0, 1),
      http5xx: readNumber(env, 'SIM_FAULT_5XX', 0, 0, 1),
      slow: readNumber(env, 'SIM_FAULT_SLOW', 0, 0, 1),
      slowMs: readNumber(env, 'SIM_FAULT_SLOW_MS', 15_000, 0, 600_000),
      hang: readNumber(env, 'SIM_FAULT_HANG', 0, 0, 1),
      drop: readNumber(env, 'SIM_FAULT_DROP', 0, 0, 1),
      hugeErrorInfo: readNumber(env, 'SIM_FAULT_HUGE_ERRORINFO', 0, 0, 1),
      hugeBody: readNumber(env, 'SIM_FAULT_HUGE_BODY', 0, 0, 1),
      hugeBytes: readInt(env, 'SIM_FAULT_HUGE_BYTES', 10_000_000, 0, MAX_HUGE_BYTES),
    },
    ignored: multi ? SINGLE_APP_VARS.filter((k) => env[k] !== undefined) : [],
  };
}
