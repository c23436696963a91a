import { useTranslations } from 'next-intl';
import type { FailureGroupView } from '@/lib/results/present';

/** Each distinct reason once, so a request-level error (a bad key) reads as one message, not a hundred. */
export function FailureSummary({ groups }: { groups: FailureGroupView[] }) {
  const t = useTranslations('runs.failureSummary');
  if (groups.length === 0) return null;
  return (
    <section aria-labelledby="failure-summary-heading" className="rounded border border-red-200 bg-red-50 p-4">
      <h2 id="failure-summary-heading" className="font-semibold text-red-900">
        {t('heading')}
      </h2>
      <ul className="mt-2 space-y-3">
        {groups.map((g) => (
          <li key={g.key}>
            <p className="font-medium">
              {t('group', { count: g.count, title: g.title })}
              {g.code && <span className="font-mono">{t('code', { code: g.code })}</span>}
            </p>
            <p className="text-sm">{g.explanation}</p>
            <p className="text-sm">
              <span className="font-medium">{t('whatToDo')}</span>
              {g.action}
            </p>
          </li>
        ))}
      </ul>
    </section>
  );
}
