import { getRequestConfig } from 'next-intl/server';
import { requestLocale } from './locale';
import { messagesFor } from '../messages/catalogues';

/** next-intl's per-request configuration (next.config.js points its plugin here). */
export default getRequestConfig(async () => {
  const locale = await requestLocale();
  return { locale, messages: messagesFor(locale), timeZone: 'UTC' };
});
