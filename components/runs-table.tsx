'use client';

import { useQuery } from '@tanstack/react-query';
import { useTranslations } from 'next-intl';
import Link from 'next/link';
import type { RunSummary } from '@/lib/queries/runs';
import { outcomeParts } from '@/lib/runs/outcome';
import { DataTable } from './data-table';
import { OutcomeBar } from './outcome-bar';
import { kindLabel, sourceLabel, statusLabel } from '@/lib/results/run-view';
import { formatDateTime } from '@/lib/messages/format';
import { NumberCell } from './number-cell';
import { useCatalogue } from './use-catalogue';

/**
 * Ten columns that fit 1280 px in both languages: who and when share a cell, as do kind and source,
 * and status and the outcome bar. Short labels, dates and counts never wrap; a long attribute list is
 * cut with its full text in a title (and, as the cell's own text, for screen readers).
 */
const COLUMNS = ['run', 'started', 'app', 'kind', 'attributes', 'status', 'users', 'succeeded', 'failed', 'notSent'] as const;
const COUNTS = new Set<(typeof COLUMNS)[number]>(['users', 'succeeded', 'failed', 'notSent']);

async function fetchRuns(appId: string | undefined, loadFailed: (status: number) => string): Promise<RunSummary[]> {
  const res = await fetch(appId ? `/api/runs?app=${encodeURIComponent(appId)}` : '/api/runs', { cache: 'no-store' });
  if (!res.ok) throw new Error(loadFailed(res.status));
  return ((await res.json()) as { runs: RunSummary[] }).runs;
}

/** Runs newest first; polls while any run is still going so counts move without a reload. */
export function RunsTable({ initialRuns, appLabels, appId }: { initialRuns: RunSummary[]; appLabels: Record<string, string>; appId?: string }) {
  const messages = useCatalogue();
  const t = useTranslations('runs.runsTable');
  const { data: runs, error } = useQuery({
    queryKey: ['runs', appId],
    queryFn: () => fetchRuns(appId, (status) => t('loadFailed', { status })),
    initialData: initialRuns,
    refetchInterval: (query) => (query.state.data?.some((r) => r.status === 'running') ? 2000 : false),
  });

  if (runs.length === 0) return <p>{t('empty')}</p>;
  return (
    <DataTable
      caption={t('caption')}
      fit
      columns={COLUMNS.map((c) => (COUNTS.has(c) ? { label: t(`columns.${c}`), numeric: true as const } : t(`columns.${c}`)))}
      notice={
        error && (
          <p role="alert" className="p-2 text-sm text-red-800">
            {error.message}
          </p>
        )
      }
    >
      {runs.map((r) => {
        const attrs = r.attrs.join(', ');
        return (
          <tr key={r.id} className="border-t border-slate-100">
            <td className="px-3 py-2 whitespace-nowrap">
              <Link href={`/history/${r.id}`} className="text-blue-800 underline">
                {t('runLink', { id: r.id })}
              </Link>
            </td>
            <td className="px-3 py-2">
              <span className="block whitespace-nowrap tabular-nums">{formatDateTime(r.createdAt)}</span>
              <span className="block max-w-44 truncate text-slate-600" title={r.operator ?? undefined}>
                {r.operator ?? '—'}
              </span>
            </td>
            <td className="px-3 py-2">
              <span className="block">{appLabels[r.appId] ?? r.appId}</span>
              <span className="block text-xs text-slate-600 tabular-nums">{r.sdkAppId}</span>
            </td>
            <td className="px-3 py-2">
              <span className="block">{kindLabel(r.kind, messages)}</span>
              <span className="block text-xs text-slate-600">{sourceLabel(r.source, messages)}</span>
            </td>
            <td className="px-3 py-2">
              <span className="block max-w-40 truncate font-mono" title={attrs}>
                {attrs}
              </span>
            </td>
            <td className="px-3 py-2">
              <span className="mb-1 block">{statusLabel(r.status, messages)}</span>
              <OutcomeBar parts={outcomeParts(r)} total={r.total} />
            </td>
            <NumberCell value={r.total} />
            <NumberCell value={r.succeeded} />
            <NumberCell value={r.failed} />
            <NumberCell value={r.notSent} />
          </tr>
        );
      })}
    </DataTable>
  );
}
