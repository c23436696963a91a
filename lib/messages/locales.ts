/**
 * The console's languages. Pure data and parsing, no 'server-only': the proxy, pages and the
 * browser all agree on them.
 */
export const LOCALES = ['en', 'zh'] as const;
export type Locale = (typeof LOCALES)[number];
export const DEFAULT_LOCALE: Locale = 'en';

/** Remembers the choice for pages no operator is signed in to (/login). Not secret: readable by the page. */
export const LOCALE_COOKIE = 'tim_lang';

/** `<html lang>`: Simplified Chinese as written in mainland China. */
export const HTML_LANG: Readonly<Record<Locale, string>> = { en: 'en', zh: 'zh-CN' };

/** Each language named in itself, as the Language control offers it. */
export const LOCALE_NAMES: Readonly<Record<Locale, string>> = { en: 'English', zh: '中文' };

export function isLocale(value: unknown): value is Locale {
  return typeof value === 'string' && (LOCALES as readonly string[]).includes(value);
}

/**
 * The best of our languages for an Accept-Language header: the first tag, by quality then order,
 * whose primary language we have (`zh-CN`, `zh-Hans`, `zh` → zh; `en-GB` → en). Malformed parts are skipped.
 */
export function negotiateLocale(header: string | null | undefined): Locale {
  if (!header) return DEFAULT_LOCALE;
  const ranked = header
    .split(',')
    .slice(0, 32)
    .map((part, index) => {
      const [tag = '', ...params] = part.trim().split(';');
      const q = params.map((p) => /^\s*q=([01](?:\.\d{0,3})?)\s*$/.exec(p)).find(Boolean);
      return { primary: tag.trim().toLowerCase().split('-')[0] ?? '', q: q ? Number(q[1]) : 1, index };
    })
    .filter((r) => r.q > 0 && /^[a-z]{1,8}$/.test(r.primary))
    .sort((a, b) => b.q - a.q || a.index - b.index);
  return ranked.map((r) => r.primary).find(isLocale) ?? DEFAULT_LOCALE;
}

/** This browser's language without a session: its cookie (the Language control's choice), else Accept-Language. */
export function browserLocale(cookie: string | undefined, acceptLanguage: string | null): Locale {
  return isLocale(cookie) ? cookie : negotiateLocale(acceptLanguage);
}
