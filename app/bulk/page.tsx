import type { Metadata } from 'next';
import { AttrNamesProblem } from '@/components/attr-names-problem';
import { BulkUpload } from '@/components/bulk-upload';
import { JobProgress } from '@/components/job-progress';
import { requirePageRole } from '@/lib/auth/request';
import { getRun, listRunningRuns } from '@/lib/db/runs';
import { getRuntime } from '@/lib/runtime';
import { bulkSearchSchema, readSearchParams, type RawSearchParams } from '@/lib/schemas/search-params';
import { loadAttrNames } from '@/lib/tim/attr-names';

export const dynamic = 'force-dynamic';
export const metadata: Metadata = { title: 'Bulk CSV · TIM Push Attribute Console' };

export default async function BulkPage({ searchParams }: { searchParams: Promise<RawSearchParams> }) {
  await requirePageRole('operator', '/bulk');
  const { db, tim } = getRuntime();
  // Every background run still going is shown, so a reopened tab or another browser sees the same live job.
  const runs = listRunningRuns(db, ['csv', 'retry']);
  const requested = readSearchParams(bulkSearchSchema, await searchParams).run;
  if (requested !== undefined && !runs.some((r) => r.id === requested)) {
    const run = getRun(db, requested);
    if (run) runs.unshift(run);
  }
  const names = await loadAttrNames(tim);

  return (
    <div className="space-y-8">
      <h1 className="text-2xl font-semibold">Bulk removal from a CSV file</h1>
      {runs.length > 0 && (
        <div className="space-y-4">
          {runs.map((run) => (
            <JobProgress key={run.id} initialRun={run} />
          ))}
        </div>
      )}
      {names.ok && names.names.length > 0 ? <BulkUpload attrNames={names.names} /> : <AttrNamesProblem names={names} />}
    </div>
  );
}
