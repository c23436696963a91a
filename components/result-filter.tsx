import type { FailureGroupView } from '@/lib/results/present';

const REMOVAL_FILTERS = [
  ['', 'All results'],
  ['removed', 'Removed'],
  ['failed', 'Failed'],
  ['not_sent', 'Not sent'],
  ['pending', 'Pending'],
] as const;

const RESTORE_FILTERS = [
  ['', 'All results'],
  ['restored', 'Restored'],
  ['skipped', 'Skipped'],
  ['failed', 'Failed'],
  ['not_sent', 'Not sent'],
  ['pending', 'Pending'],
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
  return (
    <form action={`/history/${runId}`} className="flex flex-wrap items-end gap-3" aria-label="Filter results">
      <div>
        <label htmlFor="filter-result" className="block text-sm font-medium">
          Result
        </label>
        <select id="filter-result" name="result" defaultValue={result} className="mt-1 rounded border border-slate-400 bg-white p-2">
          {(kind === 'restore' ? RESTORE_FILTERS : REMOVAL_FILTERS).map(([value, label]) => (
            <option key={value} value={value}>
              {label}
            </option>
          ))}
        </select>
      </div>
      <div>
        <label htmlFor="filter-code" className="block text-sm font-medium">
          Error
        </label>
        <select id="filter-code" name="error" defaultValue={errorKey} className="mt-1 rounded border border-slate-400 bg-white p-2">
          <option value="">Any error</option>
          {groups.map((g) => (
            <option key={g.key} value={g.key}>
              {g.code ? `${g.code} ` : ''}
              {g.title} ({g.count.toLocaleString('en')})
            </option>
          ))}
        </select>
      </div>
      <button type="submit" className="rounded border border-slate-400 bg-white px-4 py-2 font-medium">
        Apply filter
      </button>
    </form>
  );
}
