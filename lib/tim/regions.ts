import { isIPv4 } from 'node:net';

/** REST domains per data-centre region (tim-api-facts.md §1, primary hosts). */
export const REGION_HOSTS = {
  china: 'console.tim.qq.com',
  singapore: 'adminapisgp.im.qcloud.com',
  seoul: 'adminapikr.im.qcloud.com',
  tokyo: 'adminapijpn.im.qcloud.com',
  frankfurt: 'adminapiger.im.qcloud.com',
  'silicon-valley': 'adminapiusa.im.qcloud.com',
  jakarta: 'adminapiidn.im.qcloud.com',
} as const;

export type Region = keyof typeof REGION_HOSTS;

export const REGIONS = Object.keys(REGION_HOSTS) as [Region, ...Region[]];

/** The base URL requests go to: TIM_BASE_URL when set (simulator, proxy), else the region's HTTPS domain. */
export function resolveBaseUrl(region: Region, baseUrlOverride?: string): string {
  if (baseUrlOverride) return baseUrlOverride.replace(/\/+$/, '');
  return `https://${REGION_HOSTS[region]}`;
}

/**
 * Whether requests to this base URL would cross a network unencrypted: plain http to anything
 * but this machine (127.0.0.0/8, ::1, localhost). Every request carries a UserSig, which lets its
 * holder call the REST API as the app admin until it expires.
 */
export function sendsInClear(baseUrl: string): boolean {
  const url = new URL(baseUrl);
  if (url.protocol !== 'http:') return false;
  // The URL parser has already normalised 127.1 and 2130706433 to 127.0.0.1, and IPv6 to its short form.
  const host = url.hostname.toLowerCase();
  const loopback = host === 'localhost' || host === '[::1]' || (isIPv4(host) && host.startsWith('127.'));
  return !loopback;
}
