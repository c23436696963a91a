import { useTranslations } from 'next-intl';
import type { ReactNode } from 'react';
import type { WorkerStatus } from '@/lib/queries/shell';
import { formatDateTime } from '@/lib/messages/format';

/** A process without the database's lease serves pages but sends nothing; every page says so, naming the process that sends. */
export function StandbyNotice({ status }: { status: Extract<WorkerStatus, { role: 'standby' }> }) {
  const { holder } = status;
  const t = useTranslations('pages.standbyNotice');
  const mono = (chunks: ReactNode) => <span className="font-mono">{chunks}</span>;
  return (
    <div role="status" aria-label={t('label')} className="border-b border-amber-400 bg-amber-50 px-4 py-2 text-center text-sm text-amber-950">
      {holder ? t.rich('held', { pid: holder.pid, host: holder.host, since: formatDateTime(holder.acquiredAt), mono }) : t('unlocked')}
    </div>
  );
}
