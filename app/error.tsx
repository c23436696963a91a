'use client';

import Link from 'next/link';
import { useTranslations } from 'next-intl';

/**
 * A page that failed to render, in the reader's language and inside the console's frame. The
 * digest is what the server logged with the error; the message itself stays in the log.
 */
export default function ErrorPage({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  const t = useTranslations('ui.fatal');
  return (
    <div role="alert" className="space-y-4">
      <h1 className="text-2xl font-semibold">{t('heading')}</h1>
      <p>{t('body')}</p>
      {error.digest && <p className="text-sm text-slate-700">{t('reference', { digest: error.digest })}</p>}
      <div className="flex flex-wrap items-center gap-4">
        <button type="button" onClick={reset} className="rounded bg-blue-700 px-4 py-2 font-medium text-white hover:bg-blue-800">
          {t('retry')}
        </button>
        <Link href="/history" className="text-blue-800 underline">
          {t('toHistory')}
        </Link>
      </div>
    </div>
  );
}
