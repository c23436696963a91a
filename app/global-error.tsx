'use client';

import { useSyncExternalStore } from 'react';
import { createTranslator } from 'use-intl/core';
import { ErrorNotice } from '@/components/error-notice';
import en from '@/messages/en/ui.json';
import zh from '@/messages/zh/ui.json';
import { browserLocale, DEFAULT_LOCALE, HTML_LANG, LOCALE_COOKIE, type Locale } from '@/lib/messages/locales';
import './globals.css';

const WORDS = { en: en.fatal, zh: zh.fatal };

/** The page's own cookie and languages: when the root layout itself failed, nothing on the server could say who is reading. */
function readerLocale(): Locale {
  const cookie = document.cookie
    .split('; ')
    .find((c) => c.startsWith(`${LOCALE_COOKIE}=`))
    ?.slice(LOCALE_COOKIE.length + 1);
  return browserLocale(cookie, navigator.languages.join(','));
}

const noSubscription = () => () => {};

/**
 * The root layout failed (the database could not be read, say): this replaces the whole document,
 * so it draws its own frame, in the reader's language, with a plain link to history that reloads.
 */
export default function GlobalError({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  const locale = useSyncExternalStore(noSubscription, readerLocale, () => DEFAULT_LOCALE);
  const t = createTranslator({ locale, messages: { fatal: WORDS[locale] }, namespace: 'fatal' });
  return (
    <html lang={HTML_LANG[locale]}>
      <body className="min-h-screen bg-slate-50 text-slate-900 antialiased">
        <main id="main" className="mx-auto max-w-6xl px-4 py-8">
          <ErrorNotice
            words={{ heading: t('heading'), body: t('body'), reference: (digest) => t('reference', { digest }), retry: t('retry') }}
            digest={error.digest}
            onRetry={reset}
            historyLink={
              // eslint-disable-next-line @next/next/no-html-link-for-pages -- a full load: the frame that client navigation needs is what failed
              <a href="/history" className="text-blue-800 underline">
                {t('toHistory')}
              </a>
            }
          />
        </main>
      </body>
    </html>
  );
}
