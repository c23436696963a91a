import type { Metadata } from 'next';
import Link from 'next/link';
import { useTranslations } from 'next-intl';
import { getTranslations } from 'next-intl/server';

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations('pages.metadata');
  return { title: t('notFound') };
}

/** Inside the root layout, so a wrong address keeps the header, the app banner and the reader's language. */
export default function NotFound() {
  const t = useTranslations('pages.notFound');
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
