import type { RunSummary } from '@/lib/queries/runs';

export function RunCounts({ run }: { run: Pick<RunSummary, 'total' | 'removed' | 'failed' | 'notSent' | 'pending'> }) {
  const items: [string, number][] = [
    ['Users', run.total],
    ['Removed', run.removed],
    ['Failed', run.failed],
    ['Not sent', run.notSent],
  ];
  if (run.pending > 0) items.push(['Pending', run.pending]);
  return (
    <dl className="flex flex-wrap gap-6">
      {items.map(([label, value]) => (
        <div key={label}>
          <dt className="text-xs uppercase tracking-wide text-slate-600">{label}</dt>
          <dd className="text-xl font-semibold tabular-nums">{value.toLocaleString('en')}</dd>
        </div>
      ))}
    </dl>
  );
}
