import { useTranslations } from 'next-intl';
import type { RunSummary } from '@/lib/queries/runs';
import type { FailureGroupView, ResultRow } from '@/lib/results/present';
import { FailureSummary } from './failure-summary';
import { ResultsTable } from './results-table';
import { RunCounts } from './run-counts';
import { RunStoppedAlert } from './run-stopped-alert';

/**
 * A run's outcome: why it stopped (once), counts (unless a summary above has them), failure
 * reasons, then the users of this page, with where they sit in the whole list.
 */
export function RemovalResult({
  run,
  rows,
  failures,
  withBefore = false,
  counts = true,
  range = null,
}: {
  run: RunSummary;
  rows: (ResultRow & { before?: string })[];
  failures: FailureGroupView[];
  withBefore?: boolean;
  counts?: boolean;
  range?: string | null;
}) {
  const t = useTranslations('runs.removalResult');
  return (
    <div className="space-y-4">
      <RunStoppedAlert error={run.error} />
      {counts && <RunCounts run={run} />}
      <FailureSummary groups={failures} />
      {range && <p className="text-sm tabular-nums">{range}</p>}
      <ResultsTable rows={rows} withBefore={withBefore} caption={t('caption', { count: rows.length })} />
    </div>
  );
}
