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
  return (
    <div className="space-y-4">
      <RunStoppedAlert error={run.error} />
      <RunCounts run={run} />
      <FailureSummary groups={failures} />
      <ResultsTable rows={rows} withBefore={withBefore} caption={`Per-user results (${rows.length.toLocaleString('en')} shown)`} />
    </div>
  );
}
