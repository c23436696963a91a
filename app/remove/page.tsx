import type { Metadata } from 'next';
import { getTranslations } from 'next-intl/server';
import { AttrNamesProblem } from '@/components/attr-names-problem';
import { RemoveForm } from '@/components/remove-form';
import { pageContext } from '@/lib/entry/page';
import { appChoice, attrNamesOf } from '@/lib/queries/apps';

export const dynamic = 'force-dynamic';
export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations('pages.metadata');
  return { title: t('remove') };
}

export default async function RemovePage() {
  const ctx = await pageContext('operator', '/remove');
  const t = await getTranslations('pages.remove');
  const { current } = appChoice(ctx);
  const names = await attrNamesOf(ctx, current.id);
  return (
    <div className="space-y-6">
      <h1 className="text-2xl font-semibold">{t('heading')}</h1>
      {names.ok && names.names.length > 0 ? <RemoveForm key={current.id} app={current} attrNames={names.names} /> : <AttrNamesProblem names={names} />}
    </div>
  );
}
