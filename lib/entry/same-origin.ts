/**
 * Cross-site request forgery, refused by the headers a browser cannot be made to forge. Every
 * browser sends `Origin` with a POST, and current ones `Sec-Fetch-Site`; a page on another port of
 * this host, or on a sibling subdomain, is same-site for the session cookie (SameSite=Lax sends
 * it) but never same-origin. A request with neither header comes from no browser, so it carries no
 * operator's cookie by accident: scripts with their own session keep working.
 */

export type RequestHeaders = { get(name: string): string | null };

/** The host this console is reached at: what a reverse proxy forwarded, else the Host header. */
function ownHost(headers: RequestHeaders): string | null {
  const forwarded = headers.get('x-forwarded-host')?.split(',')[0]?.trim();
  return (forwarded || headers.get('host') || '').toLowerCase() || null;
}

function originHost(origin: string): string | null {
  try {
    const url = new URL(origin);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.host.toLowerCase() : null;
  } catch {
    return null;
  }
}

/** Whether a request that changes state may go on: it comes from the console's own pages, or from no browser. */
export function sameOriginOrNoBrowser(headers: RequestHeaders): boolean {
  const site = headers.get('sec-fetch-site');
  if (site !== null && site !== 'same-origin') return false;
  const origin = headers.get('origin');
  if (origin === null) return true;
  const host = ownHost(headers);
  return host !== null && originHost(origin) === host;
}

/** The media type of a Content-Type header, without its parameters, in lower case. */
export function mediaType(contentType: string | null): string {
  return (contentType ?? '').split(';')[0]!.trim().toLowerCase();
}
