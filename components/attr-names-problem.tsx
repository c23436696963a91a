import { useTranslations } from 'next-intl';
import { describeFailure } from '@/lib/results/present';
import type { AttrNamesResult } from '@/lib/tim/attr-names';
import { useCatalogue } from './use-catalogue';

/** Why nothing can be sent: the app's attribute names could not be loaded, or there are none. Null when fine. */
export function AttrNamesProblem({ names }: { names: AttrNamesResult }) {
  const messages = useCatalogue();
  const t = useTranslations('runs.attrNamesProblem');
  if (!names.ok) {
    const entry = describeFailure(names.failure, messages);
    return (
      <div role="alert" className="rounded border border-red-300 bg-red-50 p-4 text-red-900">
        <p className="font-semibold">{t('loadFailed', { title: entry.title })}</p>
        <p>{entry.explanation}</p>
        <p>{entry.action}</p>
      </div>
    );
  }
  if (names.names.length === 0) {
    return (
      <div role="alert" className="rounded border border-amber-300 bg-amber-50 p-4">
        {t('noNames')}
      </div>
    );
  }
  return null;
}
