'use client';

import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslations } from 'next-intl';
import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useEffect, useRef, useState, useTransition } from 'react';
import { cancelRunAction } from '@/lib/actions/uploads';
import type { RunSummary } from '@/lib/queries/runs';
import { statusLabel } from '@/lib/results/run-view';
import { formatDuration } from '@/lib/messages/format';
import { RunStoppedAlert } from './run-stopped-alert';
import { useCatalogue } from './use-catalogue';

interface Status {
  run: RunSummary;
  rate: number | null;
  etaSeconds: number | null;
}

type T = ReturnType<typeof useTranslations<'runs.jobProgress'>>;

async function fetchStatus(runId: number, t: T): Promise<Status> {
  const res = await fetch(`/api/runs/${runId}`, { cache: 'no-store' });
  if (!res.ok) throw new Error(t('readFailed', { status: res.status }));
  return (await res.json()) as Status;
}

interface Sample {
  at: number;
  done: number;
  requests: number;
}

/** Polled counts of this page's visit, kept in the browser only: enough for a picture of the last few minutes. */
const MAX_SAMPLES = 300;

function useSamples(run: RunSummary, at: number): Sample[] {
  const [samples, setSamples] = useState<Sample[]>([]);
  // A new poll adds its sample while rendering (React's pattern for state derived from props).
  if (samples.at(-1)?.at !== at) setSamples([...samples, { at, done: run.total - run.pending, requests: run.requests }].slice(-MAX_SAMPLES));
  return samples;
}

/** Users done over time, and requests per second between polls, as two small SVG lines with their numbers in words. */
function Sparklines({ samples, total, t }: { samples: Sample[]; total: number; t: T }) {
  const first = samples[0]!.at;
  const span = Math.max(samples.at(-1)!.at - first, 1);
  const x = (s: Sample) => ((s.at - first) / span) * 100;
  const rates = samples.slice(1).map((s, i) => ({ at: s.at, value: ((s.requests - samples[i]!.requests) * 1000) / Math.max(s.at - samples[i]!.at, 1) }));
  const peak = Math.max(...rates.map((r) => r.value), 1);
  const doneLine = samples.map((s) => `${x(s)},${24 - (s.done / Math.max(total, 1)) * 24}`).join(' ');
  const rateLine = rates.map((r) => `${((r.at - first) / span) * 100},${24 - (r.value / peak) * 24}`).join(' ');
  const now = Math.round(rates.at(-1)?.value ?? 0);
  const lines = [
    { key: 'done', points: doneLine, label: t('doneOverTime', { done: samples.at(-1)!.done, total, seconds: Math.round(span / 1000) }) },
    { key: 'rate', points: rateLine, label: t('requestsOverTime', { now, peak: Math.round(peak) }) },
  ];
  return (
    <div className="grid gap-3 sm:grid-cols-2">
      {lines.map((l) => (
        <figure key={l.key} className="space-y-1">
          <svg role="img" aria-label={l.label} viewBox="0 0 100 24" preserveAspectRatio="none" className="h-10 w-full rounded bg-slate-50 ring-1 ring-slate-200">
            <polyline points={l.points} fill="none" stroke="currentColor" strokeWidth="1.5" vectorEffect="non-scaling-stroke" className="text-blue-700" />
          </svg>
          <figcaption aria-hidden="true" className="text-xs text-slate-600 tabular-nums">
            {l.label}
          </figcaption>
        </figure>
      ))}
    </div>
  );
}

/** Live progress of one run, from the server's counts (polled), never from a timer. */
export function JobProgress({ initialRun, canCancel = true, refreshOnEnd = false }: { initialRun: RunSummary; canCancel?: boolean; refreshOnEnd?: boolean }) {
  const messages = useCatalogue();
  const t = useTranslations('runs.jobProgress');
  const queryClient = useQueryClient();
  const router = useRouter();
  const { data, error, dataUpdatedAt } = useQuery({
    queryKey: ['run-status', initialRun.id],
    queryFn: () => fetchStatus(initialRun.id, t),
    initialData: { run: initialRun, rate: null, etaSeconds: null },
    refetchInterval: (q) => (q.state.data?.run.status === 'running' ? 1000 : false),
  });
  const [cancelling, startCancel] = useTransition();
  const [cancelError, setCancelError] = useState<string | null>(null);
  const { run, rate, etaSeconds } = data;
  const done = run.total - run.pending;
  const percent = run.total === 0 ? 100 : Math.floor((done / run.total) * 100);
  // Users never sent (a cancel, a stop) are done but not sent: drawn apart, so a cancelled run's bar is not full.
  const sentPercent = run.total === 0 ? 100 : ((done - run.notSent) / run.total) * 100;
  const notSentPercent = run.total === 0 ? 0 : (run.notSent / run.total) * 100;
  const samples = useSamples(run, dataUpdatedAt);
  const running = run.status === 'running';
  // A page that shows the run's results reloads them once, when the run ends.
  const wasRunning = useRef(running);
  useEffect(() => {
    if (refreshOnEnd && wasRunning.current && !running) router.refresh();
    wasRunning.current = running;
  }, [refreshOnEnd, running, router]);

  const progress = t('progress', { done, total: run.total, percent });
  const live = [
    progress,
    t('succeeded', { count: run.succeeded, kind: run.kind }),
    ...(run.kind === 'remove' && run.nothingToRemove > 0 ? [t('nothingToRemove', { count: run.nothingToRemove })] : []),
    t('failed', { count: run.failed }),
    ...(run.notSent > 0 ? [t('notSent', { count: run.notSent })] : []),
    ...(running && rate ? [t('rate', { rate: Math.round(rate) })] : []),
    ...(running && etaSeconds !== null ? [t('eta', { duration: formatDuration(etaSeconds * 1000, messages) })] : []),
  ];
  const heading = { id: run.id, status: statusLabel(run.status, messages), cancelling: running && run.cancelRequested ? 'yes' : 'no' };

  const cancel = () =>
    startCancel(async () => {
      const result = await cancelRunAction({ runId: run.id });
      setCancelError(result.ok ? null : result.message);
      await queryClient.invalidateQueries({ queryKey: ['run-status', run.id] });
    });

  return (
    <section aria-labelledby={`run-${run.id}-heading`} className="space-y-3 rounded border border-slate-300 bg-white p-4">
      <h2 id={`run-${run.id}-heading`} className="text-lg font-semibold">
        {run.file ? t('headingWithFile', { ...heading, file: run.file.name }) : t('heading', heading)}
      </h2>
      <div
        role="progressbar"
        aria-label={t('progressLabel', { id: run.id })}
        aria-valuemin={0}
        aria-valuemax={run.total}
        aria-valuenow={done}
        aria-valuetext={progress}
        className="h-4 w-full overflow-hidden rounded bg-slate-200"
      >
        <div className="flex h-full">
          <div className="h-full bg-blue-700 transition-[width]" style={{ width: `${sentPercent}%` }} />
          <div className="h-full bg-amber-400" style={{ width: `${notSentPercent}%` }} />
        </div>
      </div>
      {samples.length > 1 && <Sparklines samples={samples} total={run.total} t={t} />}
      <p aria-live="polite" className="text-sm tabular-nums">
        {live.join(' · ')}
      </p>
      <RunStoppedAlert error={run.error} />
      {error && <p className="text-sm text-red-800">{error.message}</p>}
      {cancelError && <p className="text-sm text-red-800">{cancelError}</p>}
      <div className="flex flex-wrap items-center gap-4">
        {running && canCancel && (
          <button
            type="button"
            onClick={cancel}
            disabled={cancelling || run.cancelRequested}
            className="rounded border border-red-700 bg-white px-4 py-2 font-medium text-red-800 disabled:opacity-60"
          >
            {t('cancel')}
          </button>
        )}
        <Link href={`/history/${run.id}`} className="text-blue-800 underline">
          {running ? t('resultsSoFar', { id: run.id }) : t('viewResults', { id: run.id })}
        </Link>
      </div>
    </section>
  );
}
