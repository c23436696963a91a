'use client';

import { useTranslations } from 'next-intl';
import { useRouter } from 'next/navigation';
import { useTransition } from 'react';
import { chooseLanguageAction } from '@/lib/actions/shell';
import { LOCALE_COOKIE, LOCALE_NAMES, LOCALES, type Locale } from '@/lib/messages/locales';

const YEAR_S = 365 * 24 * 3600;

/**
 * The "Language" control on every page. The choice goes into a cookie at once (so /login keeps it)
 * and, for a signed-in operator, into their record; the page then re-renders in place, keeping what
 * its client components hold.
 */
export function LanguageSelect({ locale, signedIn }: { locale: Locale; signedIn: boolean }) {
  const t = useTranslations('ui.header');
  const router = useRouter();
  const [switching, start] = useTransition();
  return (
    <div className="flex items-center gap-2 text-sm">
      <label htmlFor="language-select">{t('language')}</label>
      <select
        id="language-select"
        value={locale}
        disabled={switching}
        onChange={(e) => {
          const next = e.target.value as Locale;
          document.cookie = `${LOCALE_COOKIE}=${next}; path=/; max-age=${YEAR_S}; samesite=lax`;
          start(async () => {
            if (signedIn) await chooseLanguageAction({ locale: next });
            router.refresh();
          });
        }}
        className="rounded border border-white/60 bg-slate-800 px-2 py-1 text-white"
      >
        {LOCALES.map((l) => (
          <option key={l} value={l} lang={l === 'zh' ? 'zh-CN' : 'en'}>
            {LOCALE_NAMES[l]}
          </option>
        ))}
      </select>
    </div>
  );
}
