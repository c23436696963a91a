import { useTranslations } from 'next-intl';
import { describeFailure, type FailureRecord } from '@/lib/results/present';
import { useCatalogue } from './use-catalogue';

/** Why a run stopped early (a credential or configuration error), said once for the whole run. */
export function RunStoppedAlert({ error }: { error: FailureRecord | null }) {
  const messages = useCatalogue();
  const t = useTranslations('runs.runStoppedAlert');
  if (!error) return null;
  const stop = describeFailure(error, messages);
  return (
    <div role="alert" className="rounded border-2 border-red-400 bg-red-50 p-4 text-red-900">
      <p className="font-semibold">
        {t('stopped', { title: stop.title })}
        {stop.code !== null && <span className="font-mono">{t('code', { code: stop.code })}</span>}
      </p>
      <p>{stop.explanation}</p>
      <p>
        <span className="font-medium">{t('whatToDo')}</span>
        {stop.action}
      </p>
    </div>
  );
}
