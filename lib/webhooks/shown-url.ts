import { openUrl } from './sealed-url';

/**
 * A webhook URL as pages, the audit log and logs show it: its query string may hold a key (a
 * WeCom robot's `?key=` is its only credential), so only its origin and path are shown.
 */
export function shownUrl(url: string): string {
  const u = new URL(url);
  return `${u.origin}${u.pathname}${u.search ? '?…' : ''}`;
}

/** A stored hook's URL as pages show it; "—" when it cannot be unsealed (SESSION_SECRET rotated since it was added). */
export function shownWebhookUrl(hook: { url: string }, sessionSecret: string): string {
  const url = openUrl(hook.url, sessionSecret);
  return url === null ? '—' : shownUrl(url);
}
