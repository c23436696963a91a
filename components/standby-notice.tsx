import type { WorkerStatus } from '@/lib/queries/shell';
import { formatTime } from '@/lib/results/run-view';

/** A process without the database's lease serves pages but sends nothing; every page says so. */
export function StandbyNotice({ status }: { status: Extract<WorkerStatus, { role: 'standby' }> }) {
  const { holder } = status;
  return (
    <div role="status" aria-label="Worker status" className="border-b border-amber-400 bg-amber-50 px-4 py-2 text-center text-sm text-amber-950">
      This console process is standing by and sends nothing: the database{' '}
      <span className="font-mono">{status.database}</span>{' '}
      {holder ? (
        <>
          has its writer in process {holder.pid} on <span className="font-mono">{holder.host}</span> (since {formatTime(holder.acquiredAt)}).
        </>
      ) : (
        <>could not be locked for writing yet.</>
      )}{' '}
      Runs start only there; this process takes over if that one stops.
    </div>
  );
}
