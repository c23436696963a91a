import { useTranslations } from 'next-intl';
import Link from 'next/link';

/** A page that only says why nothing is here (not found, not allowed), with the way back to history. */
export function NoticePage({ words }: { words: 'pages.notFound' | 'pages.forbidden' }) {
  const t = useTranslations(words);
  return (
    <div className="space-y-4">
      <h1 className="text-2xl font-semibold">{t('heading')}</h1>
      <p>{t('body')}</p>
      <p>
        <Link href="/history" className="text-blue-800 underline">
          {t('toHistory')}
        </Link>
      </p>
    </div>
  );
}
