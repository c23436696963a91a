import type { Metadata } from 'next';
import { getTranslations } from 'next-intl/server';
import { NoticePage } from '@/components/notice-page';

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations('pages.metadata');
  return { title: t('notFound') };
}

/** Inside the root layout, so a wrong address keeps the header, the app banner and the reader's language. */
export default function NotFound() {
  return <NoticePage words="pages.notFound" />;
}
