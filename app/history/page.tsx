import type { Metadata } from 'next';
import Link from 'next/link';
import { RunsTable } from '@/components/runs-table';
import { UserSearch } from '@/components/user-search';
import { requirePageRole } from '@/lib/auth/request';
import { findUserAcrossRuns, listRuns } from '@/lib/db/runs';
import { presentUser } from '@/lib/results/present';
import { formatTime, RUNS_PAGE_SIZE, SOURCE_LABEL } from '@/lib/results/run-view';
import { getRuntime } from '@/lib/runtime';
import { historySearchSchema, readSearchParams, type RawSearchParams } from '@/lib/schemas/search-params';
import { DataTable } from '@/components/data-table';

export const dynamic = 'force-dynamic';
export const metadata: Metadata = { title: 'History · TIM Push Attribute Console' };

export default async function HistoryPage({ searchParams }: { searchParams: Promise<RawSearchParams> }) {
  await requirePageRole('viewer', '/history');
  const user = readSearchParams(historySearchSchema, await searchParams).user ?? '';
  const { db } = getRuntime();

  return (
    <div className="space-y-6">
      <h1 className="text-2xl font-semibold">History</h1>
      <UserSearch value={user} />
      {user ? <UserMatches user={user} matches={findUserAcrossRuns(db, user)} /> : <RunsTable initialRuns={listRuns(db, { limit: RUNS_PAGE_SIZE })} />}
    </div>
  );
}

function UserMatches({ user, matches }: { user: string; matches: ReturnType<typeof findUserAcrossRuns> }) {
  return (
    <section aria-labelledby="matches-heading" className="space-y-3">
      <h2 id="matches-heading" className="text-lg font-semibold">
        Runs that touched <span className="font-mono">{user}</span>: {matches.length}
      </h2>
      <p>
        <Link href="/history" className="text-blue-800 underline">
          Back to all runs
        </Link>
      </p>
      {matches.length === 0 ? (
        <p>No run has included this user ID. IDs are matched exactly, including case.</p>
      ) : (
        <DataTable caption="Outcome for this user in each run" columns={['Run', 'Started', 'Source', 'Attributes', 'Result', 'Error code', 'Explanation']}>
          {matches.map(({ run, user: u }) => {
            const row = presentUser(u, run);
            return (
              <tr key={run.id} className="border-t border-slate-100 align-top">
                <td className="px-3 py-2">
                  <Link href={`/history/${run.id}`} className="text-blue-800 underline">
                    Run #{run.id}
                  </Link>
                </td>
                <td className="px-3 py-2 whitespace-nowrap">{formatTime(run.createdAt)}</td>
                <td className="px-3 py-2">{SOURCE_LABEL[run.source]}</td>
                <td className="px-3 py-2 font-mono">{u.attrs.join(', ')}</td>
                <td className="px-3 py-2 font-medium">{row.resultText}</td>
                <td className="px-3 py-2 font-mono">{row.code}</td>
                <td className="px-3 py-2">{row.explanation}</td>
              </tr>
            );
          })}
        </DataTable>
      )}
    </section>
  );
}
