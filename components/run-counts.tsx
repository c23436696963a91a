import type { RunSummary } from '@/lib/queries/runs';

const DONE_LABEL: Record<RunSummary['kind'], string> = { remove: 'Removed', check: 'Checked', restore: 'Restored' };

export function RunCounts({ run }: { run: Pick<RunSummary, 'kind' | 'total' | 'succeeded' | 'skipped' | 'failed' | 'notSent' | 'pending'> }) {
  const items: [string, number][] = [
    ['Users', run.total],
    [DONE_LABEL[run.kind], run.succeeded],
    ...(run.kind === 'restore' ? ([['Skipped', run.skipped]] as [string, number][]) : []),
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
