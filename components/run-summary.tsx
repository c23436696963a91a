import { useFormatter, useTranslations } from 'next-intl';
import type { ReactNode } from 'react';
import type { RunSummary } from '@/lib/queries/runs';
import { outcomeParts } from '@/lib/runs/outcome';
import { formatDuration } from '@/lib/messages/format';
import { useCatalogue } from './use-catalogue';
import { OutcomeBar } from './outcome-bar';

const BADGE: Record<RunSummary['status'], string> = {
  running: 'bg-blue-100 text-blue-900 ring-blue-300',
  completed: 'bg-emerald-100 text-emerald-900 ring-emerald-300',
  failed: 'bg-red-100 text-red-900 ring-red-300',
  cancelled: 'bg-amber-100 text-amber-900 ring-amber-300',
  interrupted: 'bg-amber-100 text-amber-900 ring-amber-300',
};

export function StatusBadge({ status, label }: { status: RunSummary['status']; label: string }) {
  return <span className={`inline-block rounded-full px-2.5 py-0.5 text-sm font-medium whitespace-nowrap ring-1 ${BADGE[status]}`}>{label}</span>;
}

/** One fact of the header: a term and its value, side by side in a grid that wraps on a phone. */
function Fact({ term, children, wide = false }: { term: string; children: ReactNode; wide?: boolean }) {
  return (
    <div className={wide ? 'col-span-2 sm:col-span-4' : ''}>
      <dt className="text-xs font-medium tracking-wide text-slate-600 uppercase">{term}</dt>
      <dd className="mt-0.5 break-words">{children}</dd>
    </div>
  );
}

export type SummaryFact = { term: string; value: ReactNode; wide?: boolean };

/**
 * The top of a run page: who ran what where, for how long, and how it came out, from the run's
 * counters alone (one row, whatever the run's size). `nowIso` is the request's time, for the
 * duration of a run still going.
 */
export function RunSummaryHeader({ run, facts, unknownUsers, nowIso }: { run: RunSummary; facts: SummaryFact[]; unknownUsers: number; nowIso: string }) {
  const t = useTranslations('runs.summary');
  const format = useFormatter();
  const end = run.finishedAt ?? nowIso;
  const duration = formatDuration(Date.parse(end) - Date.parse(run.createdAt), useCatalogue());
  const parts = outcomeParts(run, unknownUsers);
  return (
    <section aria-label={t('label')} className="space-y-4 rounded border border-slate-200 bg-white p-4">
      <dl className="grid grid-cols-2 gap-x-6 gap-y-3 text-sm sm:grid-cols-4">
        {facts.map((f) => (
          <Fact key={f.term} term={f.term} wide={f.wide}>
            {f.value}
          </Fact>
        ))}
        <Fact term={t('duration.term')}>{run.status === 'running' ? t('runningFor', { duration }) : duration}</Fact>
        <Fact term={t('users')}>
          <span className="tabular-nums">{format.number(run.total)}</span>
        </Fact>
      </dl>
      <OutcomeBar parts={parts} total={run.total} legend />
    </section>
  );
}
