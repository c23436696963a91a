import { useTranslations } from 'next-intl';
import type { ReactNode } from 'react';
import type { AppSending } from '@/lib/queries/shell';
import { formatDateTime } from '@/lib/messages/format';

/**
 * Several console processes on one database (Postgres): which of them sends an app's runs, or,
 * while none does, that its runs wait and why.
 */
export function SenderNotice({ sending, app }: { sending: AppSending; app: string }) {
  const t = useTranslations('pages.senderNotice');
  const mono = (chunks: ReactNode) => <span className="font-mono">{chunks}</span>;
  const waiting = sending.state !== 'sending';
  const text =
    sending.state === 'sending'
      ? t.rich(sending.here ? 'sendingHere' : 'sending', { app, pid: sending.pid, host: sending.host, since: formatDateTime(sending.since), mono })
      : sending.state === 'lapsing'
        ? t.rich('lapsing', { app, pid: sending.pid, host: sending.host, until: formatDateTime(sending.untilMs), mono })
        : t('unowned', { app });
  return (
    <div
      role="status"
      aria-label={t('label')}
      className={waiting ? 'border-b border-amber-400 bg-amber-50 px-4 py-2 text-center text-sm text-amber-950' : 'text-sm text-slate-600'}
    >
      {text}
    </div>
  );
}
