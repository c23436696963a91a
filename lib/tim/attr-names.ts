import 'server-only';
import { readBatchReply, transportFailure, type Failure } from './outcomes';
import { backoffDelay, DEFAULT_RETRY_POLICY } from './policy';
import type { RateLimiter } from './rate-limiter';
import type { TimClient } from './client';

/** Attribute names change rarely (set_attr_name); a short cache spares a request per page view. */
const CACHE_MS = 30_000;

export type AttrNamesResult = { ok: true; names: string[] } | { ok: false; failure: Failure };

export interface AttrNamesCache {
  load(opts?: { fresh?: boolean }): Promise<AttrNamesResult>;
}

export interface AttrNamesOptions {
  now?: () => number;
  /** Tests wait less than the back-off. */
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
}

const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * One per app: another app's names must never answer for this one. A transient failure (91000,
 * 5xx, a timeout) is retried with the engine's back-off, as SPEC asks of every call: an upload or a
 * form is refused for it only after DEFAULT_RETRY_POLICY.maxAttempts requests.
 */
export function createAttrNamesCache(tim: TimClient, budget: RateLimiter, opts: AttrNamesOptions = {}): AttrNamesCache {
  const { now = Date.now, sleep = realSleep, random = Math.random } = opts;
  let cached: { at: number; names: string[] } | null = null;
  const once = async (): Promise<AttrNamesResult> => {
    const permit = await budget.acquire();
    // Released once the reply (or the error) is back: until then the server may still count it.
    const result = await tim.getAttrNames().finally(() => permit.release());
    if (result.ok) return result;
    // The same mapping as remove_attr: one place decides what a reply means.
    const reading = readBatchReply([], result.result);
    if (reading.kind === 'request-failed') {
      if (reading.failure.handling === 'rate-limited') permit.rateLimited();
      return { ok: false, failure: reading.failure };
    }
    return { ok: false, failure: transportFailure('bad-response', 'AttrNames missing') };
  };
  return {
    async load(loadOpts = {}) {
      if (!loadOpts.fresh && cached && now() - cached.at < CACHE_MS) return { ok: true, names: cached.names };
      let result = await once();
      for (let attempt = 1; !result.ok && result.failure.handling === 'retry' && attempt < DEFAULT_RETRY_POLICY.maxAttempts; attempt++) {
        await sleep(backoffDelay(attempt, DEFAULT_RETRY_POLICY, random));
        result = await once();
      }
      if (result.ok) cached = { at: now(), names: result.names };
      return result;
    },
  };
}
