import { useTranslations } from 'next-intl';
import Link from 'next/link';

export default function Forbidden() {
  const t = useTranslations('pages.forbidden');
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
