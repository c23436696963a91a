// An app's answering behaviour (rate limits, latency, faults), the patch that changes it, and the
// delay each answer draws from it.
import { z } from 'zod';
import { MAX_HUGE_BYTES, type SimFaults } from './faults';
import { SIM_APIS, type SimApi } from './wire';

/** Calls per second: one number for every API, or per API (the others keep theirs; default 100 each). */
export type SimQpsLimit = number | Partial<Record<SimApi, number>>;

export interface SimConfig {
  /** Per API: Tencent limits each API separately, per SDKAppID. */
  qpsLimit: Record<SimApi, number>;
  latencyMs: number;
  latencyJitterMs: number;
  faults: Required<SimFaults>;
}

export interface SimConfigPatch {
  /** Rotates the app's key (as in the Chat console): sigs made with the old key then fail with 70009. Never echoed back. */
  secretKey?: string;
  qpsLimit?: SimQpsLimit;
  latencyMs?: number;
  latencyJitterMs?: number;
  faults?: SimFaults;
}

const rate = z.number().min(0).max(1);
const perSecond = z.number().int().positive();
const qpsLimitSchema = z.union([
  perSecond,
  z.strictObject({
    remove_attr: perSecond.optional(),
    get_attr: perSecond.optional(),
    set_attr: perSecond.optional(),
    get_attr_name: perSecond.optional(),
    set_attr_name: perSecond.optional(),
  }),
]);
export const configPatchSchema = z.strictObject({
  secretKey: z.string().min(1).optional(),
  qpsLimit: qpsLimitSchema.optional(),
  latencyMs: z.number().min(0).max(600_000).optional(),
  latencyJitterMs: z.number().min(0).max(600_000).optional(),
  faults: z
    .strictObject({
      error91000: rate.optional(),
      http5xx: rate.optional(),
      slow: rate.optional(),
      slowMs: z.number().min(0).max(600_000).optional(),
      hang: rate.optional(),
      drop: rate.optional(),
      hugeErrorInfo: rate.optional(),
      hugeBody: rate.optional(),
      hugeBytes: z.number().int().min(0).max(MAX_HUGE_BYTES).optional(),
    })
    .optional(),
});

export function applyPatch(base: SimConfig, patch: SimConfigPatch): SimConfig {
  const p = configPatchSchema.parse(patch);
  const q = p.qpsLimit;
  return {
    qpsLimit:
      q === undefined
        ? base.qpsLimit
        : typeof q === 'number'
          ? perApi(q)
          : { ...base.qpsLimit, ...(stripUndefined(q) as Partial<Record<SimApi, number>>) },
    latencyMs: p.latencyMs ?? base.latencyMs,
    latencyJitterMs: p.latencyJitterMs ?? base.latencyJitterMs,
    faults: { ...base.faults, ...stripUndefined(p.faults ?? {}) },
  };
}

export function perApi(n: number): Record<SimApi, number> {
  return Object.fromEntries(SIM_APIS.map((a) => [a, n])) as Record<SimApi, number>;
}

export function copyConfig(c: SimConfig): SimConfig {
  return { ...c, qpsLimit: { ...c.qpsLimit }, faults: { ...c.faults } };
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

export function latency(config: SimConfig, random: () => number): number {
  const { latencyMs, latencyJitterMs } = config;
  if (latencyJitterMs <= 0) return latencyMs;
  return Math.max(0, latencyMs + (random() * 2 - 1) * latencyJitterMs);
}
