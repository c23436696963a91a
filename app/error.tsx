'use client';

import Link from 'next/link';
import { useTranslations } from 'next-intl';
import { ErrorNotice } from '@/components/error-notice';

/**
 * A page that failed to render, in the reader's language and inside the console's frame. The
 * digest is what the server logged with the error; the message itself stays in the log.
 */
export default function ErrorPage({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  const t = useTranslations('ui.fatal');
  return (
    <ErrorNotice
      words={{ heading: t('heading'), body: t('body'), reference: (digest) => t('reference', { digest }), retry: t('retry') }}
      digest={error.digest}
      onRetry={reset}
      historyLink={
        <Link href="/history" className="text-blue-800 underline">
          {t('toHistory')}
        </Link>
      }
    />
  );
}
