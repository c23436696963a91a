/**
 * Free text from outside the console — the server's ErrorInfo, a transport detail — ends up in the
 * UI, the logs and exported CSV. The request URL carries the UserSig, so anything that looks like an
 * address or one of its query parameters is masked, and control characters are dropped so the text
 * stays on one plain line. Markup is left as it is: the UI escapes it.
 *
 * A server may send megabytes of it, so it is cut to MAX_FREE_TEXT_READ before any step reads it,
 * and every step below is linear in what is left: no input can make a cleaning stall the process.
 *
 * Pure: no React and no 'server-only', because client components render these texts too.
 */

/** Longest free text kept, in code points; longer text is cut and ends with "…". */
export const MAX_FREE_TEXT = 200;

/**
 * Longest free text read at all, in UTF-16 code units. Masking shrinks an address of any length to a
 * few words, so more than MAX_FREE_TEXT is read to still fill it; five times as much covers an
 * ordinary message with its URL, and bounds the cleaning of whatever arrived.
 */
export const MAX_FREE_TEXT_READ = 5 * MAX_FREE_TEXT;

/**
 * A scheme, `://` and everything up to the next space. It may start only where a run of scheme
 * characters starts (the look-behind), so each run is scanned once: linear, where `[a-z][…]*:\/\/`
 * rescanned a long run from each of its letters. A run of digits before the letters is masked with it.
 */
const ADDRESS = /(?<![a-z0-9+.-])[a-z0-9+.-]+:\/\/\S*/gi;
/** The query parameters of a TIM REST URL (fact sheet §1); the value runs to the next `&` or space. */
const URL_PARAMETER = /[?&]?\b(?:usersig|identifier|sdkappid|random|contenttype)=[^&\s]*/gi;
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g;
const SPACES = /\s+/g;

const isHighSurrogate = (unit: number) => unit >= 0xd800 && unit <= 0xdbff;

/** The first MAX_FREE_TEXT_READ code units of `text`, never ending in half a surrogate pair. */
export function cutFreeText(text: string): string {
  if (text.length <= MAX_FREE_TEXT_READ) return text;
  const end = isHighSurrogate(text.charCodeAt(MAX_FREE_TEXT_READ - 1)) ? MAX_FREE_TEXT_READ - 1 : MAX_FREE_TEXT_READ;
  return text.slice(0, end);
}

/** Idempotent: text it already cleaned (as stored) comes back unchanged. */
export function cleanFreeText(text: string): string {
  const read = cutFreeText(text);
  const masked = read
    .replace(ADDRESS, '[address hidden]')
    .replace(URL_PARAMETER, '[parameter hidden]')
    .replace(CONTROL, ' ')
    .replace(SPACES, ' ')
    .trim();
  // Array.from counts code points, so truncation never splits a surrogate pair.
  const chars = Array.from(masked);
  if (chars.length > MAX_FREE_TEXT) return `${chars.slice(0, MAX_FREE_TEXT).join('')}…`;
  return read.length < text.length && masked !== '' ? `${masked}…` : masked;
}
