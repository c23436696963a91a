import { useFormatter, useTranslations } from 'next-intl';
import type { FailureGroupView } from '@/lib/results/present';
import { failureShares } from '@/lib/runs/outcome';

/** One colour per reason, in the order of their size; the list below is the legend. */
const REASON_COLOURS = ['bg-red-700', 'bg-orange-500', 'bg-rose-400', 'bg-amber-700', 'bg-fuchsia-700', 'bg-red-300'];

/** Each distinct reason once, so a request-level error (a bad key) reads as one message, not a hundred. */
export function FailureSummary({ groups }: { groups: FailureGroupView[] }) {
  const t = useTranslations('runs.failureSummary');
  const format = useFormatter();
  if (groups.length === 0) return null;
  const shares = failureShares(groups);
  const colour = (i: number) => REASON_COLOURS[i % REASON_COLOURS.length];
  const picture = shares.map((g) => t('share', { title: g.title, count: g.count, percent: format.number(g.percent) })).join(t('separator'));
  return (
    <section aria-labelledby="failure-summary-heading" className="rounded border border-red-200 bg-red-50 p-4">
      <h2 id="failure-summary-heading" className="font-semibold text-red-900">
        {t('heading')}
      </h2>
      {shares.length > 1 && (
        <div role="img" aria-label={t('picture', { parts: picture })} className="mt-2 flex h-4 w-full overflow-hidden rounded bg-white ring-1 ring-red-200">
          {shares.map((g, i) => (
            <div key={g.key} className={`h-full ${colour(i)}`} style={{ width: `${g.percent}%` }} />
          ))}
        </div>
      )}
      <ul className="mt-2 space-y-3">
        {shares.map((g, i) => (
          <li key={g.key}>
            <p className="font-medium">
              {shares.length > 1 && <span aria-hidden="true" className={`mr-1.5 inline-block size-3 rounded-sm align-middle ${colour(i)}`} />}
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
