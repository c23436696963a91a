'use client';

import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useState, useTransition } from 'react';
import { restoreAction } from '@/app/history/[runId]/actions';
import type { AppSummary } from '@/lib/apps/registry';
import type { RestoreState } from '@/lib/queries/runs';
import { ConfirmPanel } from './confirm-panel';

const n = (v: number) => v.toLocaleString('en');

function RestoreLinks({ ids }: { ids: number[] }) {
  if (ids.length === 0) return null;
  return (
    <p className="text-sm">
      Restores of this run:{' '}
      {ids.map((id, i) => (
        <span key={id}>
          {i > 0 && ', '}
          <Link href={`/history/${id}`} className="text-blue-800 underline">
            run #{id}
          </Link>
        </span>
      ))}
    </p>
  );
}

const WHY_NONE: Record<Extract<RestoreState, { kind: 'none' }>['reason'], string> = {
  'not-a-removal': '',
  'still-running': 'Restore becomes possible once this removal has finished.',
  'no-values': 'Nothing to restore: no removed user had a value for these attributes when it was removed.',
  purged: '',
  'all-restored': 'Nothing left to restore: every user this removal took a value from has been restored or skipped.',
};

/** How many users a restore would write back, or why none; then "Restore removed values" and its confirm step. */
export function RestorePanel({ runId, state, app, canRestore }: { runId: number; state: RestoreState; app: AppSummary | null; canRestore: boolean }) {
  const router = useRouter();
  const [confirming, setConfirming] = useState(false);
  const [busy, start] = useTransition();
  const [error, setError] = useState<string | null>(null);

  if (state.kind === 'none' && state.reason === 'not-a-removal') return null;
  if (state.kind === 'in-progress') {
    return (
      <section aria-labelledby="restore-heading" className="space-y-2">
        <h2 id="restore-heading" className="text-lg font-semibold">
          Restore
        </h2>
        <p>
          A restore of this removal is running:{' '}
          <Link href={`/history/${state.restoreRunId}`} className="text-blue-800 underline">
            run #{state.restoreRunId}
          </Link>
          .
        </p>
      </section>
    );
  }
  if (state.kind === 'none') {
    return (
      <section aria-labelledby="restore-heading" className="space-y-2">
        <h2 id="restore-heading" className="text-lg font-semibold">
          Restore
        </h2>
        <p>
          {state.reason === 'purged'
            ? `Restore is no longer possible: the values this removal took away were purged on ${state.purgedAt?.slice(0, 10) ?? ''}, after the retention period (SNAPSHOT_RETENTION_DAYS).`
            : WHY_NONE[state.reason]}
        </p>
        <RestoreLinks ids={state.restoreRunIds} />
      </section>
    );
  }

  const confirm = () =>
    start(async () => {
      const result = await restoreAction({ runId });
      if (result.ok) router.push(`/history/${result.value.runId}`);
      else {
        setError(result.message);
        setConfirming(false);
      }
    });

  return (
    <section aria-labelledby="restore-heading" className="space-y-3">
      <h2 id="restore-heading" className="text-lg font-semibold">
        Restore
      </h2>
      <p id={`restore-hint-${runId}`}>
        {n(state.users)} {state.users === 1 ? 'user' : 'users'} can be restored: each gets back the values this removal took away. An
        attribute that has a value again is skipped, never overwritten.
      </p>
      <RestoreLinks ids={state.restoreRunIds} />
      {canRestore && app && !confirming && (
        <button
          type="button"
          onClick={() => setConfirming(true)}
          aria-describedby={`restore-hint-${runId}`}
          className="rounded bg-blue-700 px-4 py-2 font-medium text-white hover:bg-blue-800"
        >
          Restore removed values
        </button>
      )}
      {confirming && app && (
        <ConfirmPanel
          id="restore-confirm-heading"
          app={app}
          confirmLabel="Confirm restore"
          onConfirm={confirm}
          onBack={() => setConfirming(false)}
          busy={busy}
          busyText="Starting the restore…"
        >
          <p className="mt-2">
            Write back the removed values of <strong>{n(state.users)} {state.users === 1 ? 'user' : 'users'}</strong> with set_attr. Each
            batch reads the current values first; an attribute set again since the removal keeps its new value.
          </p>
        </ConfirmPanel>
      )}
      {error && (
        <p role="alert" className="text-sm text-red-800">
          {error}
        </p>
      )}
    </section>
  );
}
