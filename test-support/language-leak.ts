/**
 * What counts as a word left from the other language, for the catalogue test and the browser test.
 * A Latin word in Chinese text is a leak unless it is one of the names below, which stay in Latin
 * letters in Chinese too because the reader types or looks them up as they are.
 */

/** Product and protocol terms as Tencent's Chinese documentation writes them, and the file format's own names. */
const NAMED = new Set([
  'SDKAppID', // the app's ID, named so in the Chat console
  'UserSig', // the signature Tencent's docs never translate
  'RegistrationID', // a push registration, as in Tencent's Chinese docs
  'App', // "App 管理员", the Chat console's own term
  'MiB', // a unit
  'Attrs', // the CSV header names a file may use, typed as they are
  'userid',
  'user',
  'account',
  'Content', // the Content-Length header
  'Length',
  'Authorization', // the HTTP header and scheme an API token is sent with, typed as they are
  'Bearer',
  'Cookie', // as Chinese web documentation writes it
  'Idempotency', // the Idempotency-Key header, typed as it is
  'Webhook', // as Chinese product documentation (WeCom's included) writes it
  'Key',
]);

/**
 * Acronyms and configuration variables (TIM, CSV, HTTP, TIM_REGION) are all capitals; API
 * operations and CSV columns (set_attr, To_Account) are identifiers with an underscore.
 */
const CODE_LIKE = /^(?:[A-Z0-9_]+|\w*_\w*)$/;

/** The text without every occurrence of the data shown in it (user IDs, attribute names, app labels), longest first. */
function withoutData(text: string, data: Iterable<string>): string {
  return [...data].sort((a, b) => b.length - a.length).reduce((rest, d) => (d ? rest.split(d).join(' ') : rest), text);
}

/** Latin words of three or more letters in Chinese text that are neither a name above nor part of `data`. */
export function latinLeaks(text: string, data: Iterable<string> = []): string[] {
  // A URL (https://hooks.example.com/tim) or a scheme named by itself (https://) is typed as it is.
  const words = withoutData(text, data)
    .replace(/[a-z][a-z0-9+.-]*:\/\/[^\s，。；）)]*/gi, ' ').match(/[A-Za-z0-9_]*[A-Za-z]{3,}[A-Za-z0-9_]*/g) ?? [];
  return [...new Set(words.filter((w) => !NAMED.has(w) && !CODE_LIKE.test(w)))];
}

const CJK_RUN = /[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uff00-\uffef]+/g;

/** Runs of Chinese characters and punctuation in English text, outside `data`. */
export function cjkLeaks(text: string, data: Iterable<string> = []): string[] {
  return [...new Set(withoutData(text, data).match(CJK_RUN) ?? [])];
}
