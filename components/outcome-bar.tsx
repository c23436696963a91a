import { useFormatter, useTranslations } from 'next-intl';
import type { OutcomePart, OutcomeSegment } from '@/lib/runs/outcome';

/** Each part keeps its colour on every page; pending is the empty track, so a bar fills as a run goes. */
const COLOUR: Record<OutcomeSegment, string> = {
  removed: 'bg-emerald-600',
  nothingToRemove: 'bg-slate-400',
  withValue: 'bg-sky-700',
  noValue: 'bg-slate-400',
  restored: 'bg-emerald-600',
  skipped: 'bg-slate-400',
  unknownUser: 'bg-violet-500',
  failed: 'bg-red-600',
  notSent: 'bg-amber-400',
  pending: 'bg-slate-100',
};

/**
 * A run's users split by outcome, drawn in plain CSS on the server (no script). The picture is an
 * image to assistive technology, named by the same numbers the legend shows.
 */
export function OutcomeBar({ parts, total, legend = false }: { parts: OutcomePart[]; total: number; legend?: boolean }) {
  const t = useTranslations('runs.outcome');
  const format = useFormatter();
  const words = parts.map((p) => ({ ...p, text: t('part', { label: t(`segments.${p.segment}`), count: p.count, percent: format.number(p.percent) }) }));
  const label = t('label', { total, parts: words.map((w) => w.text).join(t('separator')) });
  return (
    <div className="space-y-2">
      <div role="img" aria-label={label} className={`flex w-full overflow-hidden rounded bg-slate-100 ring-1 ring-slate-300 ${legend ? 'h-5' : 'h-2.5 min-w-24'}`}>
        {parts.map((p) => (
          <div key={p.segment} className={`h-full ${COLOUR[p.segment]}`} style={{ width: `${(p.count / Math.max(total, 1)) * 100}%` }} />
        ))}
      </div>
      {legend && (
        <ul aria-hidden="true" className="flex flex-wrap gap-x-4 gap-y-1 text-sm">
          {words.map((w) => (
            <li key={w.segment} className="flex items-center gap-1.5 whitespace-nowrap tabular-nums">
              <span className={`inline-block size-3 rounded-sm ring-1 ring-slate-300 ${COLOUR[w.segment]}`} />
              {w.text}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
