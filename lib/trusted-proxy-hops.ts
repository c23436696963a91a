import { intBetween } from './env-int';

/** TRUSTED_PROXY_HOPS as config.ts validates it at start-up. */
export const trustedProxyHopsSchema = intBetween('how many reverse proxies in front of the console append to X-Forwarded-For; 0 ignores the header', 0, 0, 10);

/**
 * The same number for proxy.ts, which cannot import the server-only config. Empty counts as unset,
 * as in config.ts. A bad value stops start-up there; should the proxy still see one, it trusts no proxy.
 */
export function trustedProxyHops(raw: string | undefined): number {
  const parsed = trustedProxyHopsSchema.safeParse(raw === '' ? undefined : raw);
  return parsed.success ? parsed.data : 0;
}
