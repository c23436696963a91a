import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { FailureSummary } from '@/components/failure-summary';
import { JobProgress } from '@/components/job-progress';
import { RemovalResult } from '@/components/removal-result';
import { ResultFilter } from '@/components/result-filter';
import { ResultsTable } from '@/components/results-table';
import { RetryButton } from '@/components/retry-button';
import { hasRole } from '@/lib/auth/roles';
import { pageContext } from '@/lib/entry/page';
import { runById, runResults } from '@/lib/queries/runs';
import { formatTime, sourceLabel, statusLabel } from '@/lib/results/run-view';
import { isRetryable } from '@/lib/runs/state-machine';
import { runIdSchema } from '@/lib/schemas/bulk';
import { readSearchParams, runPageSearchSchema, type RawSearchParams } from '@/lib/schemas/search-params';

export const dynamic = 'force-dynamic';

const PAGE_SIZE = 500;

type Props = { params: Promise<{ runId: string }>; searchParams: Promise<RawSearchParams> };

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  return { title: `Run #${(await params).runId} · TIM Push Attribute Console` };
}

function pageHref(runId: number, q: { after?: number; result: string; error: string }): string {
  const params = new URLSearchParams();
  if (q.result) params.set('result', q.result);
  if (q.error) params.set('error', q.error);
  if (q.after) params.set('after', String(q.after));
  const s = params.toString();
  return `/history/${runId}${s ? `?${s}` : ''}`;
}

export default async function RunPage({ params, searchParams }: Props) {
  const { runId } = await params;
  const ctx = await pageContext('viewer', `/history/${runId}`);
  const canRun = hasRole(ctx.actor.role, 'operator');
  const id = runIdSchema.safeParse(runId);
  const run = id.success ? await runById(ctx, id.data) : null;
  if (!run) notFound();
  const app = ctx.apps.get(run.appId)?.summary ?? null;

  const q = readSearchParams(runPageSearchSchema, await searchParams);
  const result = q.result ?? '';
  const error = q.error ?? '';
  const after = q.after ?? 0;
  const { rows, nextAfter, groups } = await runResults(ctx, run, { afterSeq: after, limit: PAGE_SIZE, filter: { result: q.result, errorKey: q.error } });
  const running = run.status === 'running';
  const retryable = groups.filter((g) => isRetryable(g.handling)).reduce((n, g) => n + g.count, 0) + run.notSent;

  return (
    <div className="space-y-6">
      <p>
        <Link href="/history" className="text-blue-800 underline">
          All runs
        </Link>
      </p>
      <h1 className="text-2xl font-semibold">Run #{run.id}</h1>
      <dl className="grid grid-cols-[max-content_1fr] gap-x-6 gap-y-1 text-sm">
        <dt className="font-medium">Status</dt>
        <dd>{statusLabel(run.status)}</dd>
        <dt className="font-medium">Started</dt>
        <dd>{formatTime(run.createdAt)}</dd>
        <dt className="font-medium">Finished</dt>
        <dd>{run.finishedAt ? formatTime(run.finishedAt) : '—'}</dd>
        <dt className="font-medium">By</dt>
        <dd>{run.operator ?? '—'}</dd>
        <dt className="font-medium">Source</dt>
        <dd>
          {sourceLabel(run.source)}
          {run.parentRunId !== null && (
            <>
              {' of '}
              <Link href={`/history/${run.parentRunId}`} className="text-blue-800 underline">
                run #{run.parentRunId}
              </Link>
            </>
          )}
        </dd>
        {run.file && (
          <>
            <dt className="font-medium">File</dt>
            <dd>
              {run.file.name}: {run.file.rowsRead.toLocaleString('en')} rows read, {run.file.invalidRows.toLocaleString('en')} invalid
              (not sent), {run.file.duplicateRows.toLocaleString('en')} duplicates merged
            </dd>
          </>
        )}
        <dt className="font-medium">App</dt>
        <dd>
          {app ? `${app.label}: ` : `${run.appId} (no longer configured): `}SDKAppID {run.sdkAppId}, region {run.region}
        </dd>
        <dt className="font-medium">Attributes</dt>
        <dd className="font-mono">{run.attrs.join(', ')}</dd>
        <dt className="font-medium">Requests sent</dt>
        <dd>{run.requests.toLocaleString('en')}</dd>
      </dl>

      {running && <JobProgress initialRun={run} canCancel={canRun} />}

      <div className="flex flex-wrap items-start gap-6">
        <a href={`/history/${run.id}/export`} download className="rounded border border-slate-400 bg-white px-4 py-2 font-medium">
          Export CSV
        </a>
        {!running && canRun && <RetryButton runId={run.id} retryable={retryable} />}
      </div>

      <ResultFilter runId={run.id} result={result} errorKey={error} groups={groups} />

      {running ? (
        <>
          <FailureSummary groups={groups} />
          <ResultsTable rows={rows} caption={`Per-user results so far (${rows.length} shown)`} />
        </>
      ) : (
        <RemovalResult run={run} rows={rows} failures={groups} />
      )}

      <nav aria-label="Result pages" className="flex gap-4">
        {after > 0 && (
          <Link href={pageHref(run.id, { result, error })} className="text-blue-800 underline">
            First page
          </Link>
        )}
        {nextAfter !== null && (
          <Link href={pageHref(run.id, { after: nextAfter, result, error })} className="text-blue-800 underline">
            Next page
          </Link>
        )}
      </nav>
    </div>
  );
}
