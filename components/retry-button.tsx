'use client';

import { useTranslations } from 'next-intl';
import { useRouter } from 'next/navigation';
import { useState, useTransition } from 'react';
import { retryFailedAction } from '@/app/history/[runId]/actions';

export function RetryButton({ runId, retryable }: { runId: number; retryable: number }) {
  const t = useTranslations('runs.retryButton');
  const router = useRouter();
  const [pending, start] = useTransition();
  const [error, setError] = useState<string | null>(null);
  return (
    <div>
      <button
        type="button"
        disabled={pending}
        onClick={() =>
          start(async () => {
            const result = await retryFailedAction({ runId });
            if (result.ok) router.push(`/history/${result.value.runId}`);
            else setError(result.message);
          })
        }
        aria-describedby={`retry-hint-${runId}`}
        className="rounded bg-blue-700 px-4 py-2 font-medium text-white hover:bg-blue-800 disabled:opacity-60"
      >
        {t('button')}
      </button>
      <p id={`retry-hint-${runId}`} className="mt-1 text-sm text-slate-600">
        {t('hint', { count: retryable })}
      </p>
      {error && (
        <p role="alert" className="mt-1 text-sm text-red-800">
          {error}
        </p>
      )}
    </div>
  );
}
