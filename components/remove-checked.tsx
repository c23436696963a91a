'use client';

import { useTranslations } from 'next-intl';
import { useRouter } from 'next/navigation';
import { useState, useTransition } from 'react';
import { removeCheckedAction } from '@/lib/actions/runs';
import type { AppSummary } from '@/lib/apps/registry';
import { needsTypedConfirm } from '@/lib/apps/typed-confirm';
import { newRequestKey } from '@/lib/schemas/request-key';
import { ConfirmPanel } from './confirm-panel';

/** From a finished dry run: the removal of the same users and attributes, through the same app, after its confirm step. */
export function RemoveChecked({ runId, app, users, attrs }: { runId: number; app: AppSummary; users: number; attrs: string[] }) {
  const t = useTranslations('runs.removeChecked');
  const router = useRouter();
  const [requestKey, setRequestKey] = useState<string | null>(null);
  const [busy, start] = useTransition();
  const [error, setError] = useState<string | null>(null);

  const confirm = (typedAppName: string | undefined) => {
    if (!requestKey) return;
    start(async () => {
      const result = await removeCheckedAction({ runId, requestKey, typedAppName });
      if (result.ok) router.push(`/history/${result.value.runId}`);
      else {
        setError(result.message);
        setRequestKey(null);
      }
    });
  };

  return (
    <div className="space-y-3">
      {requestKey === null && (
        <button type="button" onClick={() => setRequestKey(newRequestKey())} className="rounded bg-blue-700 px-4 py-2 font-medium text-white hover:bg-blue-800">
          {t('button')}
        </button>
      )}
      {requestKey !== null && (
        <ConfirmPanel id="remove-checked-heading" app={app} onConfirm={confirm} onBack={() => setRequestKey(null)} busy={busy} busyText={t('busy')} askAppName={needsTypedConfirm(app, users)}>
          <p className="mt-2">
            {t.rich('confirmText', { attrs: attrs.join(', '), count: users, strong: (chunks) => <strong>{chunks}</strong> })}
          </p>
        </ConfirmPanel>
      )}
      {error && (
        <p role="alert" className="text-sm text-red-800">
          {error}
        </p>
      )}
    </div>
  );
}
