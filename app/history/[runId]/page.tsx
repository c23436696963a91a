import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { getFormatter, getTranslations } from 'next-intl/server';
import { AttrCounts, CurrentValuesTable } from '@/components/check-result';
import { FailureSummary } from '@/components/failure-summary';
import { JobProgress } from '@/components/job-progress';
import { RemovalResult } from '@/components/removal-result';
import { RemoveChecked } from '@/components/remove-checked';
import { RestorePanel } from '@/components/restore-panel';
import { ResultFilter } from '@/components/result-filter';
import { ResultsTable } from '@/components/results-table';
import { RetryButton } from '@/components/retry-button';
import { hasRole } from '@/lib/auth/roles';
import { pageContext } from '@/lib/entry/page';
import { canSeeValues, checkResults, restoreStateOf, runById, runResults } from '@/lib/queries/runs';
import { formatTime, kindLabel, sourceLabel, statusLabel } from '@/lib/results/run-view';
import { isRetryable } from '@/lib/runs/state-machine';
import { runIdSchema } from '@/lib/schemas/bulk';
import { readSearchParams, runPageSearchSchema, type RawSearchParams } from '@/lib/schemas/search-params';
import { UserSearch } from '@/components/user-search';

export const dynamic = 'force-dynamic';

const PAGE_SIZE = 500;
/** Users per page of a dry run's User / Attribute / Current value table (one row per attribute each). */
const VALUES_PAGE_SIZE = 100;

type Props = { params: Promise<{ runId: string }>; searchParams: Promise<RawSearchParams> };

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const t = await getTranslations('pages.metadata');
  return { title: t('run', { runId: (await params).runId }) };
}

function pageHref(runId: number, q: { after?: number; result: string; error: string; user?: string }): string {
  const params = new URLSearchParams();
  if (q.result) params.set('result', q.result);
  if (q.error) params.set('error', q.error);
  if (q.user) params.set('user', q.user);
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
  const t = await getTranslations('pages.run');
  const format = await getFormatter();

  const q = readSearchParams(runPageSearchSchema, await searchParams);
  const result = q.result ?? '';
  const error = q.error ?? '';
  const after = q.after ?? 0;
  const isCheck = run.kind === 'check';
  // A dry run pages its values table; its per-user table lists only the users it could not read.
  const { rows, nextAfter, groups } = await runResults(ctx, run, {
    afterSeq: isCheck ? 0 : after,
    limit: PAGE_SIZE,
    filter: isCheck ? { result: 'failed' } : { result: q.result, errorKey: q.error },
  });
  const check = isCheck ? await checkResults(ctx, run, { afterSeq: after, limit: VALUES_PAGE_SIZE, userId: q.user }) : null;
  const restore = run.kind === 'remove' ? await restoreStateOf(ctx, run) : null;
  const withBefore = run.kind === 'remove' && canSeeValues(ctx);
  const running = run.status === 'running';
  const retryable = groups.filter((g) => isRetryable(g.handling)).reduce((n, g) => n + g.count, 0) + run.notSent;
  const fromCheck = run.kind === 'remove' && run.source !== 'retry';
  const pageNext = isCheck ? (check?.nextAfter ?? null) : nextAfter;

  return (
    <div className="space-y-6">
      <p>
        <Link href="/history" className="text-blue-800 underline">
          {t('allRuns')}
        </Link>
      </p>
      <h1 className="text-2xl font-semibold">
        {t('heading', { id: run.id, kind: kindLabel(run.kind, ctx.messages) })}
      </h1>
      <dl className="grid grid-cols-[max-content_1fr] gap-x-6 gap-y-1 text-sm">
        <dt className="font-medium">{t('terms.kind')}</dt>
        <dd>{kindLabel(run.kind, ctx.messages)}</dd>
        <dt className="font-medium">{t('terms.status')}</dt>
        <dd>{statusLabel(run.status, ctx.messages)}</dd>
        <dt className="font-medium">{t('terms.started')}</dt>
        <dd>{formatTime(run.createdAt)}</dd>
        <dt className="font-medium">{t('terms.finished')}</dt>
        <dd>{run.finishedAt ? formatTime(run.finishedAt) : '—'}</dd>
        <dt className="font-medium">{t('terms.by')}</dt>
        <dd>{run.operator ?? '—'}</dd>
        <dt className="font-medium">{t('terms.source')}</dt>
        <dd>
          {sourceLabel(run.source, ctx.messages)}
          {run.parentRunId !== null && (
            <>
              {/* A removal whose parent is not a retry's was started from a dry run. */}
              {t.rich(fromCheck ? 'fromDryRun' : 'ofRun', {
                id: run.parentRunId,
                link: (chunks) => (
                  <Link href={`/history/${run.parentRunId}`} className="text-blue-800 underline">
                    {chunks}
                  </Link>
                ),
              })}
            </>
          )}
        </dd>
        {run.file && (
          <>
            <dt className="font-medium">{t('terms.file')}</dt>
            <dd>
              {t('file', { name: run.file.name, rowsRead: run.file.rowsRead, invalidRows: run.file.invalidRows, duplicateRows: run.file.duplicateRows })}
            </dd>
          </>
        )}
        <dt className="font-medium">{t('terms.app')}</dt>
        <dd>
          {app
            ? t('app', { label: app.label, sdkAppId: run.sdkAppId, region: run.region })
            : t('appGone', { appId: run.appId, sdkAppId: run.sdkAppId, region: run.region })}
        </dd>
        <dt className="font-medium">{t('terms.attributes')}</dt>
        <dd className="font-mono">{run.attrs.join(', ')}</dd>
        <dt className="font-medium">{t('terms.requests')}</dt>
        <dd>{format.number(run.requests)}</dd>
      </dl>

      {running && <JobProgress initialRun={run} canCancel={canRun} refreshOnEnd />}

      <div className="flex flex-wrap items-start gap-6">
        <a href={`/history/${run.id}/export`} download className="rounded border border-slate-400 bg-white px-4 py-2 font-medium">
          {t('exportCsv')}
        </a>
        {!running && canRun && run.kind !== 'restore' && app && retryable > 0 && (
          <RetryButton runId={run.id} retryable={retryable} app={app} attrs={run.attrs} removes={run.kind === 'remove'} />
        )}
        {!running && canRun && isCheck && app && run.succeeded > 0 && <RemoveChecked runId={run.id} app={app} users={run.total} attrs={run.attrs} />}
      </div>

      {restore && <RestorePanel runId={run.id} state={restore} app={app} canRestore={canRun} />}

      {check && (
        <section aria-labelledby="check-heading" className="space-y-4">
          <h2 id="check-heading" className="text-lg font-semibold">
            {t('check.heading')}
          </h2>
          <p className="text-sm">
            {t('check.intro', { failed: run.failed > 0 ? 'yes' : 'no' })}
          </p>
          <AttrCounts counts={check.counts} />
          {check.values ? (
            <>
              <UserSearch value={q.user ?? ''} scope={{ action: `/history/${run.id}`, id: 'check-user', label: t('check.searchLabel') }} />
              <CurrentValuesTable
                values={check.values}
                caption={q.user ? t('check.valuesOfUser', { user: q.user }) : t('check.valuesShown', { count: check.values.length })}
              />
            </>
          ) : (
            <p className="text-sm">{t('check.valuesHidden')}</p>
          )}
        </section>
      )}

      {run.kind !== 'check' && <ResultFilter runId={run.id} kind={run.kind} result={result} errorKey={error} groups={groups} />}

      {running ? (
        <>
          <FailureSummary groups={groups} />
          <ResultsTable rows={rows} withBefore={withBefore} caption={t('resultsSoFar', { count: rows.length })} />
        </>
      ) : isCheck ? (
        <>
          <FailureSummary groups={groups} />
          {rows.length > 0 && <ResultsTable rows={rows} caption={t('unreadUsers', { count: rows.length })} />}
        </>
      ) : (
        <RemovalResult run={run} rows={rows} failures={groups} withBefore={withBefore} />
      )}

      <nav aria-label={t('pagesLabel')} className="flex gap-4">
        {after > 0 && (
          <Link href={pageHref(run.id, { result, error, user: q.user })} className="text-blue-800 underline">
            {t('firstPage')}
          </Link>
        )}
        {pageNext !== null && (
          <Link href={pageHref(run.id, { after: pageNext, result, error, user: q.user })} className="text-blue-800 underline">
            {t('nextPage')}
          </Link>
        )}
      </nav>
    </div>
  );
}
