import 'server-only';
import { cookies, headers } from 'next/headers';
import { cache } from 'react';
import { currentOperator } from './request';
import { messagesFor } from '../messages/catalogues';
import { browserLocale, LOCALE_COOKIE, type Locale } from '../messages/locales';
import type { Messages } from '../messages/translate';

/**
 * The reader's language, once per request: the signed-in operator's choice, else this browser's
 * cookie (what /login was switched to), else its Accept-Language.
 */
export const requestLocale = cache(async (): Promise<Locale> => {
  const operator = await currentOperator();
  if (operator?.locale) return operator.locale;
  return browserLocale((await cookies()).get(LOCALE_COOKIE)?.value, (await headers()).get('accept-language'));
});

export async function requestMessages(): Promise<Messages> {
  return messagesFor(await requestLocale());
}
