'use client';

import { useTranslations } from 'next-intl';
import Link from 'next/link';
import { restoreAction } from '@/lib/actions/runs';
import type { AppSummary } from '@/lib/apps/registry';
import type { RestoreState } from '@/lib/queries/runs';
import { RunAction } from './run-action';

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
  return (
    <RunAction
      id={`restore-${runId}`}
      app={app}
      label={t('button')}
      hint={t('hint', { count: users })}
      confirmLabel={t('confirm')}
      busyText={t('busy')}
      start={() => restoreAction({ runId })}
    >
      <p className="mt-2">{t.rich('confirmText', { count: users, strong: (chunks) => <strong>{chunks}</strong> })}</p>
    </RunAction>
  );
}
