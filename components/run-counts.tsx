import { useFormatter, useTranslations } from 'next-intl';
import type { RunSummary } from '@/lib/queries/runs';

type Count = 'users' | 'succeeded' | 'nothingToRemove' | 'skipped' | 'failed' | 'notSent' | 'pending';

export function RunCounts({ run }: { run: Pick<RunSummary, 'kind' | 'total' | 'succeeded' | 'nothingToRemove' | 'skipped' | 'failed' | 'notSent' | 'pending'> }) {
  const t = useTranslations('runs.runCounts');
  const format = useFormatter();
  const items: [Count, number][] = [
    ['users', run.total],
    ['succeeded', run.succeeded],
    ...(run.nothingToRemove > 0 ? ([['nothingToRemove', run.nothingToRemove]] as [Count, number][]) : []),
    ...(run.kind === 'restore' ? ([['skipped', run.skipped]] as [Count, number][]) : []),
    ['failed', run.failed],
    ['notSent', run.notSent],
  ];
  if (run.pending > 0) items.push(['pending', run.pending]);
  return (
    <dl className="flex flex-wrap gap-6">
      {items.map(([count, value]) => (
        <div key={count}>
          <dt className="text-xs uppercase tracking-wide text-slate-600">{count === 'succeeded' ? t('succeeded', { kind: run.kind }) : t(count)}</dt>
          <dd className="text-xl font-semibold tabular-nums">{format.number(value)}</dd>
        </div>
      ))}
    </dl>
  );
}
