import type { Metadata } from 'next';
import { getTranslations } from 'next-intl/server';
import type { ReactNode } from 'react';
import { Providers } from '@/components/providers';
import { SiteHeader } from '@/components/site-header';
import { SenderNotice } from '@/components/sender-notice';
import { StandbyNotice } from '@/components/standby-notice';
import { currentOperator } from '@/lib/entry/request';
import { senderOf, shellFor } from '@/lib/queries/shell';
import { operatorContext } from '@/lib/entry/operator-context';
import { requestLocale } from '@/lib/entry/locale';
import { messagesFor } from '@/lib/messages/catalogues';
import { HTML_LANG } from '@/lib/messages/locales';
import './globals.css';

// Every page depends on who is signed in (and the nonce in the CSP header): nothing is prerendered.
export const dynamic = 'force-dynamic';

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations('pages.metadata');
  return { title: t('site'), description: t('description') };
}

export default async function RootLayout({ children }: { children: ReactNode }) {
  const operator = await currentOperator();
  const shell = operator ? shellFor(await operatorContext(operator)) : null;
  const locale = await requestLocale();
  // Every page says so while the chosen app's runs wait for a sending process; the run page also names the one that sends.
  const sender = shell ? senderOf(shell.worker, shell.current.id) : null;
  const waiting = sender?.state === 'sending' ? null : sender;
  return (
    <html lang={HTML_LANG[locale]}>
      <body className="min-h-screen bg-slate-50 text-slate-900 antialiased">
        <Providers locale={locale} messages={messagesFor(locale)}>
          <a href="#main" className="sr-only focus:not-sr-only focus:absolute focus:left-2 focus:top-2 focus:bg-white focus:p-2">
            {messagesFor(locale).ui.header.skipToContent}
          </a>
          <SiteHeader shell={shell} operator={operator} locale={locale} />
          {shell?.worker.role === 'standby' && <StandbyNotice status={shell.worker} />}
          {waiting && <SenderNotice sending={waiting} app={shell!.current.label} />}
          <main id="main" className="mx-auto max-w-6xl px-4 py-8">
            {children}
          </main>
        </Providers>
      </body>
    </html>
  );
}
