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
