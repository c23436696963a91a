import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { getFormatter, getTranslations } from 'next-intl/server';
import { AttrCounts, CurrentValuesTable } from '@/components/check-result';
import { FailureSummary } from '@/components/failure-summary';
import { JobProgress } from '@/components/job-progress';
import { RemovalResult } from '@/components/removal-result';
import { RemoveChecked } from '@/components/remove-checked';
import { RestoreButton, RestoreNote } from '@/components/restore-panel';
import { ResultFilter } from '@/components/result-filter';
import { ResultsTable } from '@/components/results-table';
import { RetryButton } from '@/components/retry-button';
import { RunSummaryHeader, StatusBadge, type SummaryFact } from '@/components/run-summary';
import { SenderNotice } from '@/components/sender-notice';
import { hasRole } from '@/lib/auth/roles';
import { pageContext } from '@/lib/entry/page';
import { sendingOf } from '@/lib/queries/shell';
import { canSeeValues, checkResults, restoreStateOf, runById, runResults, type RunResultRow } from '@/lib/queries/runs';
import type { FailureGroupView } from '@/lib/results/present';
import { kindLabel, sourceLabel, statusLabel } from '@/lib/results/run-view';
import { formatDateTime } from '@/lib/messages/format';
import { regionName } from '@/lib/messages/translate';
import { unknownUsersIn, usersMatching } from '@/lib/runs/outcome';
import { retryPlan } from '@/lib/runs/retry';
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

function pageHref(runId: number, q: { after?: number; from?: number; result: string; error: string; user?: string }): string {
  const params = new URLSearchParams();
  if (q.result) params.set('result', q.result);
  if (q.error) params.set('error', q.error);
  if (q.user) params.set('user', q.user);
  if (q.after) params.set('after', String(q.after));
  if (q.from && q.from > 1) params.set('from', String(q.from));
  return `/history/${runId}${params.size > 0 ? `?${params}` : ''}`;
}

/** A failure's words are shown once, in its group above the table; its rows point there. */
function pointToGroups(rows: RunResultRow[], groups: FailureGroupView[], seeAbove: (g: FailureGroupView) => string): RunResultRow[] {
  const byKey = new Map(groups.map((g) => [g.key, g]));
  return rows.map((r) => {
    const group = r.result === 'failed' && r.failureKey !== undefined ? byKey.get(r.failureKey) : undefined;
    return group ? { ...r, explanation: seeAbove(group) } : r;
  });
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
  const from = q.from ?? 1;
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
  const retryable = retryPlan(groups, run.notSent).users;
  const unknownUsers = unknownUsersIn(groups);
  const fromCheck = run.kind === 'remove' && run.source !== 'retry';
  const pageNext = isCheck ? (check?.nextAfter ?? null) : nextAfter;
  const shownRows = pointToGroups(rows, groups, (g) => t('seeAbove', { title: g.title, code: g.code, hasCode: g.code ? 'yes' : 'no' }));
  const pageRows = isCheck ? (check?.values ? new Set(check.values.map((v) => v.user)).size : 0) : rows.length;
  const listTotal = isCheck ? (q.user ? pageRows : run.succeeded) : usersMatching(run, q.result, error, groups);
  const range = pageRows > 0 ? t('range', { from, to: from + pageRows - 1, total: Math.max(listTotal, from + pageRows - 1) }) : null;

  const facts: SummaryFact[] = [
    { term: t('terms.status'), value: <StatusBadge status={run.status} label={statusLabel(run.status, ctx.messages)} /> },
    { term: t('terms.kind'), value: kindLabel(run.kind, ctx.messages) },
    { term: t('terms.by'), value: run.operator ?? '—' },
    { term: t('terms.started'), value: formatDateTime(run.createdAt) },
    {
      term: t('terms.app'),
      wide: true,
      value: app
        ? t('app', { label: app.label, sdkAppId: run.sdkAppId, region: regionName(run.region, ctx.messages) })
        : t('appGone', { appId: run.appId, sdkAppId: run.sdkAppId, region: regionName(run.region, ctx.messages) }),
    },
    {
      term: t('terms.source'),
      value: (
        <>
          {sourceLabel(run.source, ctx.messages)}
          {run.parentRunId !== null &&
            // A removal whose parent is not a retry's was started from a dry run.
            t.rich(fromCheck ? 'fromDryRun' : 'ofRun', {
              id: run.parentRunId,
              link: (chunks) => (
                <Link href={`/history/${run.parentRunId}`} className="text-blue-800 underline">
                  {chunks}
                </Link>
              ),
            })}
        </>
      ),
    },
    { term: t('terms.attributes'), value: <span className="font-mono">{run.attrs.join(', ')}</span> },
    ...(run.file
      ? [
          {
            term: t('terms.file'),
            wide: true,
            value: t('file', { name: run.file.name, rowsRead: run.file.rowsRead, invalidRows: run.file.invalidRows, duplicateRows: run.file.duplicateRows }),
          },
        ]
      : []),
    { term: t('terms.requests'), value: <span className="tabular-nums">{format.number(run.requests)}</span> },
  ];
  const lead = isCheck && !running
    ? [
        t('lead.remove', { count: run.withValues }),
        ...(run.succeeded - run.withValues > 0 ? [t('lead.nothing', { count: run.succeeded - run.withValues })] : []),
        ...(unknownUsers > 0 ? [t('lead.unknown', { count: unknownUsers })] : []),
        ...(run.failed - unknownUsers > 0 ? [t('lead.unread', { count: run.failed - unknownUsers })] : []),
        ...(run.notSent > 0 ? [t('lead.notSent', { count: run.notSent })] : []),
      ].join(t('leadSeparator'))
    : null;

  const sender = sendingOf(ctx, run.appId);
  const restoreButton = restore?.kind === 'restorable' && canRun && app ? { users: restore.users, app } : null;

  return (
    <div className="space-y-6">
      <p>
        <Link href="/history" className="text-blue-800 underline">
          {t('allRuns')}
        </Link>
      </p>
      <h1 className="text-2xl font-semibold">{t('heading', { id: run.id, kind: kindLabel(run.kind, ctx.messages) })}</h1>
      {lead && <p className="text-lg font-medium">{lead}</p>}
      <RunSummaryHeader run={run} facts={facts} unknownUsers={unknownUsers} nowIso={new Date().toISOString()} />

      {running && sender && <SenderNotice sending={sender} app={app?.label ?? run.appId} />}
      {running && <JobProgress initialRun={run} canCancel={canRun} refreshOnEnd />}

      <div className="flex flex-wrap items-start gap-4">
        <a href={`/history/${run.id}/export`} download className="rounded border border-slate-400 bg-white px-4 py-2 font-medium">
          {t('exportCsv')}
        </a>
        {run.failed > 0 && (
          <a href={`/history/${run.id}/export?only=failed`} download className="rounded border border-slate-400 bg-white px-4 py-2 font-medium">
            {t('exportFailed', { count: run.failed })}
          </a>
        )}
        {!running && canRun && run.kind !== 'restore' && app && retryable > 0 && (
          <RetryButton runId={run.id} retryable={retryable} app={app} attrs={run.attrs} removes={run.kind === 'remove'} />
        )}
        {!running && canRun && isCheck && app && run.withValues > 0 && <RemoveChecked runId={run.id} app={app} users={run.withValues} attrs={run.attrs} />}
        {restoreButton && <RestoreButton runId={run.id} users={restoreButton.users} app={restoreButton.app} />}
      </div>
      {restore && <RestoreNote state={restore} withButton={restoreButton !== null} />}

      {check && (
        <section aria-labelledby="check-heading" className="space-y-4">
          <h2 id="check-heading" className="text-lg font-semibold">
            {t('check.heading')}
          </h2>
          <p className="text-sm">{t('check.intro', { failed: run.failed > 0 ? 'yes' : 'no' })}</p>
          <AttrCounts counts={check.counts} unread={run.failed} />
          {check.values ? (
            <>
              <UserSearch value={q.user ?? ''} scope={{ action: `/history/${run.id}`, id: 'check-user', label: t('check.searchLabel') }} />
              {range && <p className="text-sm tabular-nums">{range}</p>}
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
          {range && <p className="text-sm tabular-nums">{range}</p>}
          <ResultsTable rows={shownRows} withBefore={withBefore} caption={t('resultsSoFar', { count: rows.length })} />
        </>
      ) : isCheck ? (
        <>
          <FailureSummary groups={groups} />
          {rows.length > 0 && <ResultsTable rows={shownRows} caption={t('unreadUsers', { count: rows.length })} />}
        </>
      ) : (
        <RemovalResult run={run} rows={shownRows} failures={groups} withBefore={withBefore} counts={false} range={range} />
      )}

      <nav aria-label={t('pagesLabel')} className="flex gap-4">
        {after > 0 && (
          <Link href={pageHref(run.id, { result, error, user: q.user })} className="text-blue-800 underline">
            {t('firstPage')}
          </Link>
        )}
        {pageNext !== null && (
          <Link href={pageHref(run.id, { after: pageNext, from: from + pageRows, result, error, user: q.user })} className="text-blue-800 underline">
            {t('nextPage')}
          </Link>
        )}
      </nav>
    </div>
  );
}
