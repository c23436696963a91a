import { lookup } from 'node:dns/promises';
import { isLoopbackAddress, isPublicAddress } from './address';

/** Why a webhook URL is refused: a code with its words in the catalogue (errors.webhooks.*). */
export type TargetRefusal = 'webhooks.url' | 'webhooks.scheme' | 'webhooks.credentials' | 'webhooks.unresolved' | 'webhooks.privateAddress';

export interface TargetPolicy {
  /** WEBHOOK_ALLOW_HTTP_LOOPBACK=1: plain http to this machine, for a receiver beside the console (and tests). */
  allowHttpLoopback: boolean;
  resolve?: (hostname: string) => Promise<string[]>;
}

const resolveAll = async (hostname: string) => (await lookup(hostname, { all: true, verbatim: true })).map((a) => a.address);

/** What the URL may be before any name is resolved: https (or http to loopback when allowed), no user or password in it. */
export function checkUrl(text: string, policy: Pick<TargetPolicy, 'allowHttpLoopback'>): { ok: true; url: URL } | { ok: false; refusal: TargetRefusal } {
  if (!URL.canParse(text)) return { ok: false, refusal: 'webhooks.url' };
  const url = new URL(text);
  if (url.username || url.password) return { ok: false, refusal: 'webhooks.credentials' };
  if (url.protocol === 'https:') return { ok: true, url };
  if (url.protocol === 'http:' && policy.allowHttpLoopback) return { ok: true, url };
  return { ok: false, refusal: 'webhooks.scheme' };
}

/**
 * The address to connect to, checked after the name is resolved: every address the name has must
 * be public (a name with one private address among public ones could be answered with it next
 * time). The request then goes to this very address, so a name that resolves differently a moment
 * later (DNS rebinding) changes nothing. Plain http only to loopback, and only when allowed.
 */
export async function resolveTarget(text: string, policy: TargetPolicy): Promise<{ ok: true; url: URL; address: string } | { ok: false; refusal: TargetRefusal }> {
  const checked = checkUrl(text, policy);
  if (!checked.ok) return checked;
  const { url } = checked;
  const host = url.hostname.replace(/^\[|\]$/g, '');
  let addresses: string[];
  try {
    addresses = await (policy.resolve ?? resolveAll)(host);
  } catch {
    return { ok: false, refusal: 'webhooks.unresolved' };
  }
  if (addresses.length === 0) return { ok: false, refusal: 'webhooks.unresolved' };
  const allowed = (a: string) => (url.protocol === 'http:' ? isLoopbackAddress(a) : isPublicAddress(a) || (policy.allowHttpLoopback && isLoopbackAddress(a)));
  if (!addresses.every(allowed)) return { ok: false, refusal: url.protocol === 'http:' ? 'webhooks.scheme' : 'webhooks.privateAddress' };
  return { ok: true, url, address: addresses[0]! };
}
