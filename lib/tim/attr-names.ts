import 'server-only';
import { readRemoveAttrResult, type Failure } from './outcomes';
import type { TimClient } from './client';

/** Attribute names change rarely (set_attr_name); a short cache spares a request per page view. */
const CACHE_MS = 30_000;

export type AttrNamesResult = { ok: true; names: string[] } | { ok: false; failure: Failure };

let cached: { at: number; names: string[] } | null = null;

export async function loadAttrNames(tim: TimClient, opts: { fresh?: boolean } = {}): Promise<AttrNamesResult> {
  if (!opts.fresh && cached && Date.now() - cached.at < CACHE_MS) return { ok: true, names: cached.names };
  const result = await tim.getAttrNames();
  if (result.ok) {
    cached = { at: Date.now(), names: result.names };
    return result;
  }
  // The same mapping as remove_attr: one place decides what a reply means.
  const reading = readRemoveAttrResult([], result.result);
  if (reading.kind === 'request-failed') return { ok: false, failure: reading.failure };
  return { ok: false, failure: { key: 'transport.bad-response', code: null, info: 'AttrNames missing', handling: 'retry' } };
}
