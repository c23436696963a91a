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
export function LanguageSelect({ locale, signedIn, compact = false }: { locale: Locale; signedIn: boolean; compact?: boolean }) {
  const t = useTranslations('ui.header');
  const router = useRouter();
  const [switching, start] = useTransition();
  return (
    <div className="flex items-center gap-2 text-sm">
      {/* `compact`: in the signed-in header's one row (from 1280 px) a globe shows what the control is; the label stays its name. */}
      {compact && (
        <svg aria-hidden="true" viewBox="0 0 20 20" fill="none" stroke="currentColor" strokeWidth="1.5" className="hidden size-4 shrink-0 xl:block">
          <circle cx="10" cy="10" r="7.5" />
          <path d="M2.5 10h15M10 2.5c2.2 2.1 3.2 4.6 3.2 7.5s-1 5.4-3.2 7.5c-2.2-2.1-3.2-4.6-3.2-7.5s1-5.4 3.2-7.5Z" />
        </svg>
      )}
      <label htmlFor="language-select" className={compact ? 'xl:sr-only' : undefined}>
        {t('language')}
      </label>
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
