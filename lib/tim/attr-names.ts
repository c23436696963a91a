import 'server-only';
import { readBatchReply, transportFailure, type Failure } from './outcomes';
import type { RateLimiter } from './rate-limiter';
import type { TimClient } from './client';

/** Attribute names change rarely (set_attr_name); a short cache spares a request per page view. */
const CACHE_MS = 30_000;

export type AttrNamesResult = { ok: true; names: string[] } | { ok: false; failure: Failure };

export interface AttrNamesCache {
  load(opts?: { fresh?: boolean }): Promise<AttrNamesResult>;
}

/** One per app: another app's names must never answer for this one. */
export function createAttrNamesCache(tim: TimClient, budget: RateLimiter, now: () => number = Date.now): AttrNamesCache {
  let cached: { at: number; names: string[] } | null = null;
  return {
    async load(opts = {}) {
      if (!opts.fresh && cached && now() - cached.at < CACHE_MS) return { ok: true, names: cached.names };
      const permit = await budget.acquire();
      // Released once the reply (or the error) is back: until then the server may still count it.
      const result = await tim.getAttrNames().finally(() => permit.release());
      if (result.ok) {
        cached = { at: now(), names: result.names };
        return result;
      }
      // The same mapping as remove_attr: one place decides what a reply means.
      const reading = readBatchReply([], result.result);
      if (reading.kind === 'request-failed') {
        if (reading.failure.handling === 'rate-limited') permit.rateLimited();
        return { ok: false, failure: reading.failure };
      }
      return { ok: false, failure: transportFailure('bad-response', 'AttrNames missing') };
    },
  };
}
