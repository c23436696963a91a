'use client';

import { useRouter } from 'next/navigation';
import { useState, useTransition, type ReactNode } from 'react';
import type { AppSummary } from '@/lib/apps/registry';
import type { ActionResult } from '@/lib/entry/action';
import { newRequestKey } from '@/lib/schemas/request-key';
import { ConfirmPanel } from './confirm-panel';

/**
 * A run page's toolbar action that starts another run: its button (and a hint saying how many
 * users it takes), then its confirm step, then the new run's page. Each confirm step gets a
 * request key of its own, so a double click starts one run.
 */
export function RunAction({
  id,
  app,
  label,
  hint,
  confirmLabel,
  busyText,
  askAppName = false,
  start,
  children,
}: {
  id: string;
  app: AppSummary;
  label: string;
  hint?: string;
  confirmLabel?: string;
  busyText: string;
  askAppName?: boolean;
  start: (typedAppName: string | undefined, requestKey: string) => Promise<ActionResult<{ runId: number }>>;
  /** What the confirm step says will happen. */
  children: ReactNode;
}) {
  const router = useRouter();
  const [requestKey, setRequestKey] = useState<string | null>(null);
  const [busy, startTransition] = useTransition();
  const [error, setError] = useState<string | null>(null);

  const confirm = (typedAppName: string | undefined) => {
    if (!requestKey) return;
    startTransition(async () => {
      const result = await start(typedAppName, requestKey);
      if (result.ok) router.push(`/history/${result.value.runId}`);
      else {
        setError(result.message);
        setRequestKey(null);
      }
    });
  };

  return (
    <div>
      {requestKey !== null ? (
        <ConfirmPanel id={id} app={app} confirmLabel={confirmLabel} onConfirm={confirm} onBack={() => setRequestKey(null)} busy={busy} busyText={busyText} askAppName={askAppName}>
          {children}
        </ConfirmPanel>
      ) : (
        <>
          <button
            type="button"
            onClick={() => {
              setError(null);
              setRequestKey(newRequestKey());
            }}
            aria-describedby={hint ? `${id}-hint` : undefined}
            className="rounded bg-blue-700 px-4 py-2 font-medium text-white hover:bg-blue-800"
          >
            {label}
          </button>
          {hint && (
            <p id={`${id}-hint`} className="mt-1 max-w-md text-sm text-slate-600">
              {hint}
            </p>
          )}
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
