import { getRequestConfig } from 'next-intl/server';
import { ENGLISH } from './catalogues';

/** next-intl's per-request configuration (next.config.js points its plugin here). */
export default getRequestConfig(async () => ({ locale: 'en', messages: ENGLISH }));
