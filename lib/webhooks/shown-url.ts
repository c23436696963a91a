/**
 * A webhook URL as pages, the audit log and logs show it: its query string may hold a key (a
 * WeCom robot's `?key=` is its only credential), so only its origin and path are shown.
 */
export function shownUrl(url: string): string {
  const u = new URL(url);
  return `${u.origin}${u.pathname}${u.search ? '?…' : ''}`;
}
