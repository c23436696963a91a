import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { RemovalResult } from '@/components/removal-result';
import { failureGroups, getRun, listRunUsers } from '@/lib/db/runs';
import { presentFailureGroup, presentUser } from '@/lib/results/present';
import { formatTime, SOURCE_LABEL, STATUS_LABEL } from '@/lib/results/run-view';
import { getRuntime } from '@/lib/runtime';

export const dynamic = 'force-dynamic';

const PAGE_SIZE = 500;

type Props = { params: Promise<{ runId: string }>; searchParams: Promise<{ after?: string }> };

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  return { title: `Run #${(await params).runId} · TIM Push Attribute Console` };
}

export default async function RunPage({ params, searchParams }: Props) {
  const { runId } = await params;
  const id = /^\d+$/.test(runId) ? Number(runId) : NaN;
  const { db } = getRuntime();
  const run = Number.isSafeInteger(id) ? getRun(db, id) : null;
  if (!run) notFound();

  const after = Number((await searchParams).after ?? 0) || 0;
  const users = listRunUsers(db, run.id, { afterSeq: after, limit: PAGE_SIZE + 1 });
  const page = users.slice(0, PAGE_SIZE);
  const nextAfter = users.length > PAGE_SIZE ? page[page.length - 1]!.seq : null;

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
        <dd>{STATUS_LABEL[run.status]}</dd>
        <dt className="font-medium">Started</dt>
        <dd>{formatTime(run.createdAt)}</dd>
        <dt className="font-medium">Finished</dt>
        <dd>{run.finishedAt ? formatTime(run.finishedAt) : '—'}</dd>
        <dt className="font-medium">By</dt>
        <dd>{run.operator ?? '—'}</dd>
        <dt className="font-medium">Source</dt>
        <dd>{SOURCE_LABEL[run.source]}</dd>
        <dt className="font-medium">App</dt>
        <dd>
          SDKAppID {run.sdkAppId}, region {run.region}
        </dd>
        <dt className="font-medium">Attributes</dt>
        <dd className="font-mono">{run.attrs.join(', ')}</dd>
        <dt className="font-medium">Requests sent</dt>
        <dd>{run.requests}</dd>
      </dl>
      <RemovalResult
        run={run}
        rows={page.map((u) => presentUser(u, run))}
        failures={failureGroups(db, run.id).map(presentFailureGroup)}
      />
      <nav aria-label="Result pages" className="flex gap-4">
        {after > 0 && (
          <Link href={`/history/${run.id}`} className="text-blue-800 underline">
            First page
          </Link>
        )}
        {nextAfter !== null && (
          <Link href={`/history/${run.id}?after=${nextAfter}`} className="text-blue-800 underline">
            Next page
          </Link>
        )}
      </nav>
    </div>
  );
}
