import { useTranslations } from 'next-intl';
import type { RunSummary } from '@/lib/queries/runs';
import type { FailureGroupView, ResultRow } from '@/lib/results/present';
import { FailureSummary } from './failure-summary';
import { ResultsTable } from './results-table';
import { RunCounts } from './run-counts';
import { RunStoppedAlert } from './run-stopped-alert';

/** A run's outcome: why it stopped (once), counts, failure reasons, then every user. */
export function RemovalResult({
  run,
  rows,
  failures,
  withBefore = false,
}: {
  run: RunSummary;
  rows: (ResultRow & { before?: string })[];
  failures: FailureGroupView[];
  withBefore?: boolean;
}) {
  const t = useTranslations('runs.removalResult');
  return (
    <div className="space-y-4">
      <RunStoppedAlert error={run.error} />
      <RunCounts run={run} />
      <FailureSummary groups={failures} />
      <ResultsTable rows={rows} withBefore={withBefore} caption={t('caption', { count: rows.length })} />
    </div>
  );
}
