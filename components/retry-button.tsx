'use client';

import { useTranslations } from 'next-intl';
import { retryFailedAction } from '@/lib/actions/runs';
import type { AppSummary } from '@/lib/apps/registry';
import { needsTypedConfirm } from '@/lib/apps/typed-confirm';
import { RunAction } from './run-action';

/** "Retry failed users" sends to every retryable user again, so it says how many and through which app before it starts. */
export function RetryButton({ runId, retryable, app, attrs, removes }: { runId: number; retryable: number; app: AppSummary; attrs: string[]; removes: boolean }) {
  const t = useTranslations('runs.retryButton');
  return (
    <RunAction
      id={`retry-${runId}`}
      app={app}
      label={t('button')}
      hint={t('hint', { count: retryable })}
      confirmLabel={t('confirm')}
      busyText={t('busy')}
      askAppName={removes && needsTypedConfirm(app, retryable)}
      start={(typedAppName) => retryFailedAction({ runId, typedAppName })}
    >
      <p className="mt-2">{t.rich('confirmText', { count: retryable, attrs: attrs.join(', '), strong: (chunks) => <strong>{chunks}</strong> })}</p>
    </RunAction>
  );
}
