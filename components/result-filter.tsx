import { useTranslations } from 'next-intl';
import type { FailureGroupView } from '@/lib/results/present';

const REMOVAL_FILTERS = [
  ['', 'all'],
  ['removed', 'removed'],
  ['nothing_to_remove', 'nothingToRemove'],
  ['failed', 'failed'],
  ['not_sent', 'notSent'],
  ['pending', 'pending'],
] as const;

const RESTORE_FILTERS = [
  ['', 'all'],
  ['restored', 'restored'],
  ['skipped', 'skipped'],
  ['failed', 'failed'],
  ['not_sent', 'notSent'],
  ['pending', 'pending'],
] as const;

/** A GET form, so a filtered view is a URL that can be shared or reloaded. */
export function ResultFilter({
  runId,
  kind,
  result,
  errorKey,
  groups,
}: {
  runId: number;
  kind: 'remove' | 'restore';
  result: string;
  errorKey: string;
  groups: FailureGroupView[];
}) {
  const t = useTranslations('runs.resultFilter');
  return (
    <form action={`/history/${runId}`} className="flex flex-wrap items-end gap-3" aria-label={t('label')}>
      <div>
        <label htmlFor="filter-result" className="block text-sm font-medium">
          {t('result')}
        </label>
        <select id="filter-result" name="result" defaultValue={result} className="mt-1 rounded border border-slate-400 bg-white p-2">
          {(kind === 'restore' ? RESTORE_FILTERS : REMOVAL_FILTERS).map(([value, label]) => (
            <option key={value} value={value}>
              {t(`options.${label}`)}
            </option>
          ))}
        </select>
      </div>
      <div>
        <label htmlFor="filter-code" className="block text-sm font-medium">
          {t('error')}
        </label>
        <select id="filter-code" name="error" defaultValue={errorKey} className="mt-1 rounded border border-slate-400 bg-white p-2">
          <option value="">{t('anyError')}</option>
          {groups.map((g) => (
            <option key={g.key} value={g.key}>
              {g.code ? t('groupWithCode', { code: g.code, title: g.title, count: g.count }) : t('group', { title: g.title, count: g.count })}
            </option>
          ))}
        </select>
      </div>
      <button type="submit" className="rounded border border-slate-400 bg-white px-4 py-2 font-medium">
        {t('apply')}
      </button>
    </form>
  );
}
