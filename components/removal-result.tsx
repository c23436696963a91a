import type { RunSummary } from '@/lib/db/runs';
import { describeFailure, type FailureGroupView, type ResultRow } from '@/lib/results/present';
import { FailureSummary } from './failure-summary';
import { ResultsTable } from './results-table';
import { RunCounts } from './run-counts';

/** A run's outcome: why it stopped (once), counts, failure reasons, then every user. */
export function RemovalResult({ run, rows, failures }: { run: RunSummary; rows: ResultRow[]; failures: FailureGroupView[] }) {
  const stop = run.error ? describeFailure(run.error) : null;
  return (
    <div className="space-y-4">
      {stop && (
        <div role="alert" className="rounded border-2 border-red-400 bg-red-50 p-4 text-red-900">
          <p className="font-semibold">
            The run stopped: {stop.title}
            {stop.code !== null && <span className="font-mono"> (code {stop.code})</span>}
          </p>
          <p>{stop.explanation}</p>
          <p>
            <span className="font-medium">What to do: </span>
            {stop.action}
          </p>
        </div>
      )}
      <RunCounts run={run} />
      <FailureSummary groups={failures} />
      <ResultsTable rows={rows} caption={`Per-user results (${rows.length.toLocaleString('en')} shown)`} />
    </div>
  );
}
