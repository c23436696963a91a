// SIM_* environment parsing, separate from cli.ts so it can be unit-tested without starting a server.
import type { SimFaults } from './server';
import { DEMO_SDKAPPID, DEMO_SECRET_KEY } from './seed';

export class ConfigError extends Error {}

type Env = Record<string, string | undefined>;

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

export interface CliConfig {
  port: number;
  sdkAppId: number;
  secretKey: string;
  admins: string[];
  userCount: number;
  qpsLimit: number;
  latencyMs: number;
  latencyJitterMs: number;
  faults: SimFaults;
}

export function readCliConfig(env: Env): CliConfig {
  const secretKey = env.SIM_SECRET_KEY ?? DEMO_SECRET_KEY;
  if (secretKey.length === 0) throw new ConfigError('SIM_SECRET_KEY must not be empty');
  const adminsRaw = env.SIM_ADMINS ?? 'administrator';
  const admins = adminsRaw.split(',').map((s) => s.trim());
  if (admins.some((a) => a.length === 0)) {
    throw new ConfigError(`SIM_ADMINS must be a comma-separated list of non-empty ids, got ${JSON.stringify(adminsRaw)}`);
  }
  return {
    port: readInt(env, 'SIM_PORT', 4010, 0, 65535),
    sdkAppId: readInt(env, 'SIM_SDKAPPID', DEMO_SDKAPPID, 1, Number.MAX_SAFE_INTEGER),
    secretKey,
    admins,
    userCount: readInt(env, 'SIM_USERS', 2000, 0, 5_000_000),
    qpsLimit: readInt(env, 'SIM_QPS', 100, 1, 1_000_000),
    latencyMs: readNumber(env, 'SIM_LATENCY_MS', 0, 0, 600_000),
    latencyJitterMs: readNumber(env, 'SIM_LATENCY_JITTER_MS', 0, 0, 600_000),
    faults: {
      error91000: readNumber(env, 'SIM_FAULT_91000', 0, 0, 1),
      http5xx: readNumber(env, 'SIM_FAULT_5XX', 0, 0, 1),
      slow: readNumber(env, 'SIM_FAULT_SLOW', 0, 0, 1),
      slowMs: readNumber(env, 'SIM_FAULT_SLOW_MS', 15_000, 0, 600_000),
      hang: readNumber(env, 'SIM_FAULT_HANG', 0, 0, 1),
      drop: readNumber(env, 'SIM_FAULT_DROP', 0, 0, 1),
    },
  };
}
