'use client';

import { useTranslations } from 'next-intl';
import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useState, useTransition } from 'react';
import { restoreAction } from '@/lib/actions/runs';
import type { AppSummary } from '@/lib/apps/registry';
import type { RestoreState } from '@/lib/queries/runs';
import { ConfirmPanel } from './confirm-panel';

function RestoreLinks({ ids }: { ids: number[] }) {
  const t = useTranslations('runs.restorePanel');
  if (ids.length === 0) return null;
  return (
    <>
      {t('restoresOfRun')}
      {ids.map((id, i) => (
        <span key={id}>
          {i > 0 && t('listSeparator')}
          <Link href={`/history/${id}`} className="text-blue-800 underline">
            {t('runLink', { id })}
          </Link>
        </span>
      ))}
    </>
  );
}

/** The words for why nothing can be restored; the two reasons without a fixed sentence are handled apart. */
const WHY_NONE: Record<Extract<RestoreState, { kind: 'none' }>['reason'], 'stillRunning' | 'noValues' | 'allRestored' | null> = {
  'not-a-removal': null,
  'still-running': 'stillRunning',
  'no-values': 'noValues',
  purged: null,
  'all-restored': 'allRestored',
};

/**
 * What the toolbar cannot say with a button: a restore under way, why nothing can be restored,
 * the earlier restores of this removal, or (to someone who may not restore) how many could be.
 */
export function RestoreNote({ state, withButton }: { state: RestoreState; withButton: boolean }) {
  const t = useTranslations('runs.restorePanel');
  if (state.kind === 'none' && state.reason === 'not-a-removal') return null;
  if (state.kind === 'in-progress') {
    return (
      <p className="text-sm">
        {t.rich('inProgress', {
          id: state.restoreRunId,
          link: (chunks) => (
            <Link href={`/history/${state.restoreRunId}`} className="text-blue-800 underline">
              {chunks}
            </Link>
          ),
        })}
      </p>
    );
  }
  const why = state.kind === 'none' ? (state.reason === 'purged' ? t('purged', { date: state.purgedAt?.slice(0, 10) ?? '' }) : WHY_NONE[state.reason] && t(WHY_NONE[state.reason]!)) : null;
  const count = state.kind === 'restorable' && !withButton ? t('hint', { count: state.users }) : null;
  if (!why && !count && state.restoreRunIds.length === 0) return null;
  return (
    <p className="text-sm">
      {[why, count].filter(Boolean).join(' ')} <RestoreLinks ids={state.restoreRunIds} />
    </p>
  );
}

/** "Restore removed values" in the run's toolbar: how many users it writes back, then its confirm step. */
export function RestoreButton({ runId, users, app }: { runId: number; users: number; app: AppSummary }) {
  const t = useTranslations('runs.restorePanel');
  const router = useRouter();
  const [confirming, setConfirming] = useState(false);
  const [busy, start] = useTransition();
  const [error, setError] = useState<string | null>(null);

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
    <div>
      {confirming ? (
        <ConfirmPanel id="restore-confirm-heading" app={app} confirmLabel={t('confirm')} onConfirm={confirm} onBack={() => setConfirming(false)} busy={busy} busyText={t('busy')}>
          <p className="mt-2">{t.rich('confirmText', { count: users, strong: (chunks) => <strong>{chunks}</strong> })}</p>
        </ConfirmPanel>
      ) : (
        <>
          <button
            type="button"
            onClick={() => {
              setError(null);
              setConfirming(true);
            }}
            aria-describedby={`restore-hint-${runId}`}
            className="rounded bg-blue-700 px-4 py-2 font-medium text-white hover:bg-blue-800"
          >
            {t('button')}
          </button>
          <p id={`restore-hint-${runId}`} className="mt-1 max-w-md text-sm text-slate-600">
            {t('hint', { count: users })}
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
