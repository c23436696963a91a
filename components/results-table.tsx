import { useTranslations } from 'next-intl';
import { DataTable } from './data-table';
import type { ResultRow } from '@/lib/results/present';

const RESULT_STYLE: Record<ResultRow['result'], string> = {
  removed: 'text-emerald-800',
  nothing_to_remove: 'text-slate-700',
  checked: 'text-slate-900',
  restored: 'text-emerald-800',
  skipped: 'text-amber-800',
  failed: 'text-red-800',
  not_sent: 'text-amber-800',
  pending: 'text-slate-600',
};

/**
 * The per-user table: the same four columns on the form page and in history, and for operators and
 * admins a removal's Before column (the rows carry `before` only when the reader may see it).
 */
export function ResultsTable({ rows, caption, withBefore = false }: { rows: (ResultRow & { before?: string })[]; caption: string; withBefore?: boolean }) {
  const t = useTranslations('runs.resultsTable');
  // Before goes last, so the four columns every reader knows keep their places.
  const keys = withBefore ? (['user', 'result', 'code', 'explanation', 'before'] as const) : (['user', 'result', 'code', 'explanation'] as const);
  const columns = keys.map((k) => t(`columns.${k}`));
  return (
    <DataTable caption={caption} columns={columns}>
      {rows.map((r) => (
        <tr key={r.user} className="border-t border-slate-100 align-top">
          <td className="px-3 py-2 font-mono break-words">{r.user}</td>
          <td className={`px-3 py-2 font-medium ${RESULT_STYLE[r.result]}`}>{r.resultText}</td>
          <td className="px-3 py-2 font-mono">{r.code}</td>
          <td className="px-3 py-2">
            {r.explanation}
            {r.serverInfo && (
              <span className="mt-1 block text-xs text-slate-600">
                {/* The service's own words are English: marked so, a screen reader reads them as English on a Chinese page. */}
                {t.rich('serverSaid', { info: r.serverInfo, vendor: (chunks) => <span lang="en">{chunks}</span> })}
              </span>
            )}
          </td>
          {withBefore && <td className="px-3 py-2 break-words">{r.before}</td>}
        </tr>
      ))}
    </DataTable>
  );
}
