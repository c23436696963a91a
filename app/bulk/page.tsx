import type { Metadata } from 'next';
import Link from 'next/link';
import { getTranslations } from 'next-intl/server';
import { AttrNamesProblem } from '@/components/attr-names-problem';
import { BulkUpload } from '@/components/bulk-upload';
import { JobProgress } from '@/components/job-progress';
import { pageContext } from '@/lib/entry/page';
import { appChoice, attrNamesOf } from '@/lib/queries/apps';
import { liveBackgroundRuns, runById } from '@/lib/queries/runs';
import { stagedUploadFor } from '@/lib/queries/uploads';
import { bulkSearchSchema, readSearchParams, type RawSearchParams } from '@/lib/schemas/search-params';

export const dynamic = 'force-dynamic';
export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations('pages.metadata');
  return { title: t('bulk') };
}

export default async function BulkPage({ searchParams }: { searchParams: Promise<RawSearchParams> }) {
  const ctx = await pageContext('operator', '/bulk');
  const t = await getTranslations('pages.bulk');
  const runs = await liveBackgroundRuns(ctx);
  const requested = readSearchParams(bulkSearchSchema, await searchParams).run;
  if (requested !== undefined && !runs.some((r) => r.id === requested)) {
    const run = await runById(ctx, requested);
    if (run) runs.unshift(run);
  }
  const started = requested !== undefined && runs.some((r) => r.id === requested) ? requested : null;
  const { current } = appChoice(ctx);
  const names = await attrNamesOf(ctx, current.id);
  const staged = await stagedUploadFor(ctx, current.id);

  return (
    <div className="space-y-8">
      <h1 className="text-2xl font-semibold">{t('heading')}</h1>
      {started !== null && (
        <p role="status" className="rounded border border-green-300 bg-green-50 p-3">
          {t.rich('started', {
            id: started,
            link: (chunks) => (
              <Link href={`/history/${started}`} className="text-blue-800 underline">
                {chunks}
              </Link>
            ),
          })}
        </p>
      )}
      {runs.length > 0 && (
        <div className="space-y-4">
          {runs.map((run) => (
            <JobProgress key={run.id} initialRun={run} />
          ))}
        </div>
      )}
      {names.ok && names.names.length > 0 ? (
        <BulkUpload key={`${current.id}:${staged?.id ?? 'none'}:${requested ?? ''}`} app={current} attrNames={names.names} limits={ctx.csvLimits} staged={staged} />
      ) : (
        <AttrNamesProblem names={names} />
      )}
    </div>
  );
}
