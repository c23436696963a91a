'use client';

import { useTranslations } from 'next-intl';
import { useRouter } from 'next/navigation';
import { useState, useTransition } from 'react';
import { retryFailedAction } from '@/lib/actions/runs';
import type { AppSummary } from '@/lib/apps/registry';
import { needsTypedConfirm } from '@/lib/apps/typed-confirm';
import { ConfirmPanel } from './confirm-panel';

/** "Retry failed users" sends to every retryable user again, so it says how many and through which app before it starts. */
export function RetryButton({ runId, retryable, app, attrs, removes }: { runId: number; retryable: number; app: AppSummary; attrs: string[]; removes: boolean }) {
  const t = useTranslations('runs.retryButton');
  const router = useRouter();
  const [confirming, setConfirming] = useState(false);
  const [pending, start] = useTransition();
  const [error, setError] = useState<string | null>(null);

  const confirm = (typedAppName: string | undefined) =>
    start(async () => {
      const result = await retryFailedAction({ runId, typedAppName });
      if (result.ok) router.push(`/history/${result.value.runId}`);
      else {
        setError(result.message);
        setConfirming(false);
      }
    });

  return (
    <div>
      {confirming ? (
        <ConfirmPanel
          id={`retry-confirm-${runId}`}
          app={app}
          onConfirm={confirm}
          onBack={() => setConfirming(false)}
          busy={pending}
          busyText={t('busy')}
          confirmLabel={t('confirm')}
          askAppName={removes && needsTypedConfirm(app, retryable)}
        >
          <p className="mt-2">{t.rich('confirmText', { count: retryable, attrs: attrs.join(', '), strong: (chunks) => <strong>{chunks}</strong> })}</p>
        </ConfirmPanel>
      ) : (
        <>
          <button
            type="button"
            onClick={() => {
              setError(null);
              setConfirming(true);
            }}
            aria-describedby={`retry-hint-${runId}`}
            className="rounded bg-blue-700 px-4 py-2 font-medium text-white hover:bg-blue-800"
          >
            {t('button')}
          </button>
          <p id={`retry-hint-${runId}`} className="mt-1 text-sm text-slate-600">
            {t('hint', { count: retryable })}
          </p>
        </>
      )}
      {error && (
        <p role="alert" className="mt-1 text-sm text-red-800">
          {error}
        </p>
      )}
    </div>
  );
}
