'use client';

import { useQuery, useQueryClient } from '@tanstack/react-query';
import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useEffect, useRef, useState, useTransition } from 'react';
import { cancelRunAction } from '@/app/bulk/actions';
import type { RunSummary } from '@/lib/queries/runs';
import { statusLabel } from '@/lib/results/run-view';
import { RunStoppedAlert } from './run-stopped-alert';
import { useCatalogue } from './use-catalogue';

interface Status {
  run: RunSummary;
  rate: number | null;
  etaSeconds: number | null;
}

async function fetchStatus(runId: number): Promise<Status> {
  const res = await fetch(`/api/runs/${runId}`, { cache: 'no-store' });
  if (!res.ok) throw new Error(`Could not read the run's progress (HTTP ${res.status}).`);
  return (await res.json()) as Status;
}

function formatDuration(seconds: number): string {
  if (seconds < 60) return `${seconds} s`;
  const m = Math.floor(seconds / 60);
  if (m < 60) return `${m} min ${seconds % 60} s`;
  return `${Math.floor(m / 60)} h ${m % 60} min`;
}

const n = (v: number) => v.toLocaleString('en');

const DONE_WORD: Record<RunSummary['kind'], string> = { remove: 'removed', check: 'checked', restore: 'restored' };

/** Live progress of one run, from the server's counts (polled), never from a timer. */
export function JobProgress({ initialRun, canCancel = true, refreshOnEnd = false }: { initialRun: RunSummary; canCancel?: boolean; refreshOnEnd?: boolean }) {
  const messages = useCatalogue();
  const queryClient = useQueryClient();
  const router = useRouter();
  const { data, error } = useQuery({
    queryKey: ['run-status', initialRun.id],
    queryFn: () => fetchStatus(initialRun.id),
    initialData: { run: initialRun, rate: null, etaSeconds: null },
    refetchInterval: (q) => (q.state.data?.run.status === 'running' ? 1000 : false),
  });
  const [cancelling, startCancel] = useTransition();
  const [cancelError, setCancelError] = useState<string | null>(null);
  const { run, rate, etaSeconds } = data;
  const done = run.total - run.pending;
  const percent = run.total === 0 ? 100 : Math.floor((done / run.total) * 100);
  const running = run.status === 'running';
  // A page that shows the run's results reloads them once, when the run ends.
  const wasRunning = useRef(running);
  useEffect(() => {
    if (refreshOnEnd && wasRunning.current && !running) router.refresh();
    wasRunning.current = running;
  }, [refreshOnEnd, running, router]);

  const cancel = () =>
    startCancel(async () => {
      const result = await cancelRunAction({ runId: run.id });
      setCancelError(result.ok ? null : result.message);
      await queryClient.invalidateQueries({ queryKey: ['run-status', run.id] });
    });

  return (
    <section aria-labelledby={`run-${run.id}-heading`} className="space-y-3 rounded border border-slate-300 bg-white p-4">
      <h2 id={`run-${run.id}-heading`} className="text-lg font-semibold">
        Run #{run.id}
        {run.file ? `: ${run.file.name}` : ''} — {statusLabel(run.status, messages)}
        {running && run.cancelRequested ? ' (cancelling…)' : ''}
      </h2>
      <div
        role="progressbar"
        aria-label={`Run #${run.id} progress`}
        aria-valuemin={0}
        aria-valuemax={run.total}
        aria-valuenow={done}
        aria-valuetext={`${n(done)} of ${n(run.total)} users (${percent}%)`}
        className="h-4 w-full overflow-hidden rounded bg-slate-200"
      >
        <div className="h-full bg-blue-700 transition-[width]" style={{ width: `${percent}%` }} />
      </div>
      <p aria-live="polite" className="text-sm tabular-nums">
        {n(done)} of {n(run.total)} users ({percent}%) · {n(run.succeeded)} {DONE_WORD[run.kind]} · {n(run.failed)} failed
        {run.notSent > 0 ? ` · ${n(run.notSent)} not sent` : ''}
        {running && rate ? ` · ${n(Math.round(rate))} users/s` : ''}
        {running && etaSeconds !== null ? ` · about ${formatDuration(etaSeconds)} left` : ''}
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
            Cancel
          </button>
        )}
        <Link href={`/history/${run.id}`} className="text-blue-800 underline">
          {running ? `Results so far for run #${run.id}` : `View results of run #${run.id}`}
        </Link>
      </div>
    </section>
  );
}
