import type { Metadata } from 'next';
import Link from 'next/link';
import { useTranslations } from 'next-intl';
import { getTranslations } from 'next-intl/server';
import { AppFilter } from '@/components/app-filter';
import { DataTable } from '@/components/data-table';
import { RunsTable } from '@/components/runs-table';
import { UserSearch } from '@/components/user-search';
import { pageContext } from '@/lib/entry/page';
import { recentRuns } from '@/lib/queries/runs';
import { formatDateTime } from '@/lib/messages/format';
import { sourceLabel } from '@/lib/results/run-view';
import { historySearchSchema, readSearchParams, type RawSearchParams } from '@/lib/schemas/search-params';
import { searchUser } from '@/lib/use-cases/search-user';
import type { Messages } from '@/lib/messages/translate';

export const dynamic = 'force-dynamic';
export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations('pages.metadata');
  return { title: t('history') };
}

export default async function HistoryPage({ searchParams }: { searchParams: Promise<RawSearchParams> }) {
  const ctx = await pageContext('viewer', '/history');
  const t = await getTranslations('pages.history');
  const q = readSearchParams(historySearchSchema, await searchParams);
  const user = q.user ?? '';
  const apps = ctx.apps.list();
  const appLabels = Object.fromEntries(apps.map((a) => [a.id, a.label]));

  return (
    <div className="space-y-6">
      <h1 className="text-2xl font-semibold">{t('heading')}</h1>
      <div className="flex flex-wrap items-end gap-8">
        <UserSearch value={user} />
        {!user && apps.length > 1 && <AppFilter apps={apps} value={q.app ?? ''} />}
      </div>
      {user ? (
        <UserMatches user={user} matches={await searchUser(ctx, user)} appLabels={appLabels} messages={ctx.messages} />
      ) : (
        <RunsTable initialRuns={await recentRuns(ctx, { appId: q.app })} appLabels={appLabels} appId={q.app} />
      )}
    </div>
  );
}

function UserMatches({
  user,
  matches,
  appLabels,
  messages,
}: {
  user: string;
  matches: Awaited<ReturnType<typeof searchUser>>;
  appLabels: Record<string, string>;
  messages: Messages;
}) {
  const t = useTranslations('pages.history');
  return (
    <section aria-labelledby="matches-heading" className="space-y-3">
      <h2 id="matches-heading" className="text-lg font-semibold">
        {t.rich('matchesHeading', { user, count: matches.length, id: (chunks) => <span className="font-mono">{chunks}</span> })}
      </h2>
      <p>
        <Link href="/history" className="text-blue-800 underline">
          {t('backToAll')}
        </Link>
      </p>
      {matches.length === 0 ? (
        <p>{t('noMatches')}</p>
      ) : (
        <DataTable
          caption={t('caption')}
          columns={[
            t('columns.run'),
            t('columns.started'),
            t('columns.app'),
            t('columns.source'),
            t('columns.attributes'),
            t('columns.result'),
            t('columns.errorCode'),
            t('columns.explanation'),
          ]}
        >
          {matches.map(({ run, attrs, row }) => (
            <tr key={run.id} className="border-t border-slate-100 align-top">
              <td className="px-3 py-2">
                <Link href={`/history/${run.id}`} className="text-blue-800 underline">
                  {t('runLink', { id: run.id })}
                </Link>
              </td>
              <td className="px-3 py-2 whitespace-nowrap">{formatDateTime(run.createdAt)}</td>
              <td className="px-3 py-2">{appLabels[run.appId] ?? run.appId}</td>
              <td className="px-3 py-2">{sourceLabel(run.source, messages)}</td>
              <td className="px-3 py-2 font-mono">{attrs.join(', ')}</td>
              <td className="px-3 py-2 font-medium">{row.resultText}</td>
              <td className="px-3 py-2 font-mono">{row.code}</td>
              <td className="px-3 py-2">{row.explanation}</td>
            </tr>
          ))}
        </DataTable>
      )}
    </section>
  );
}
