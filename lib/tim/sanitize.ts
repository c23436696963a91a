/**
 * Free text from outside the console — the server's ErrorInfo, a transport detail — ends up in the
 * UI, the logs and exported CSV. The request URL carries the UserSig, so anything that looks like an
 * address or one of its query parameters is masked, and control characters are dropped so the text
 * stays on one plain line. Markup is left as it is: the UI escapes it.
 *
 * Pure: no React and no 'server-only', because client components render these texts too.
 */

/** Longest free text kept, in code points; longer text is cut and ends with "…". */
export const MAX_FREE_TEXT = 200;

const ADDRESS = /[a-z][a-z0-9+.-]*:\/\/\S*/gi;
/** The query parameters of a TIM REST URL (fact sheet §1). */
const URL_PARAMETER = /[?&]?\b(?:usersig|identifier|sdkappid|random|contenttype)=[^&\s]*/gi;
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g;

export function cleanFreeText(text: string): string {
  const masked = text
    .replace(ADDRESS, '[address hidden]')
    .replace(URL_PARAMETER, '[parameter hidden]')
    .replace(CONTROL, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  // Array.from counts code points, so truncation never splits a surrogate pair.
  const chars = Array.from(masked);
  return chars.length > MAX_FREE_TEXT ? `${chars.slice(0, MAX_FREE_TEXT).join('')}…` : masked;
}
