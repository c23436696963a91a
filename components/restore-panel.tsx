'use client';

import { useTranslations } from 'next-intl';
import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useState, useTransition, type ReactNode } from 'react';
import { restoreAction } from '@/app/history/[runId]/actions';
import type { AppSummary } from '@/lib/apps/registry';
import type { RestoreState } from '@/lib/queries/runs';
import { ConfirmPanel } from './confirm-panel';

function RestoreLinks({ ids }: { ids: number[] }) {
  const t = useTranslations('runs.restorePanel');
  if (ids.length === 0) return null;
  return (
    <p className="text-sm">
      {t('restoresOfRun')}
      {ids.map((id, i) => (
        <span key={id}>
          {i > 0 && t('listSeparator')}
          <Link href={`/history/${id}`} className="text-blue-800 underline">
            {t('runLink', { id })}
          </Link>
        </span>
      ))}
    </p>
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

/** How many users a restore would write back, or why none; then "Restore removed values" and its confirm step. */
export function RestorePanel({ runId, state, app, canRestore }: { runId: number; state: RestoreState; app: AppSummary | null; canRestore: boolean }) {
  const t = useTranslations('runs.restorePanel');
  const router = useRouter();
  const [confirming, setConfirming] = useState(false);
  const [busy, start] = useTransition();
  const [error, setError] = useState<string | null>(null);

  if (state.kind === 'none' && state.reason === 'not-a-removal') return null;
  if (state.kind === 'in-progress') {
    return (
      <RestoreSection heading={t('heading')}>
        <p>
          {t.rich('inProgress', {
            id: state.restoreRunId,
            link: (chunks) => (
              <Link href={`/history/${state.restoreRunId}`} className="text-blue-800 underline">
                {chunks}
              </Link>
            ),
          })}
        </p>
      </RestoreSection>
    );
  }
  if (state.kind === 'none') {
    const why = WHY_NONE[state.reason];
    return (
      <RestoreSection heading={t('heading')}>
        <p>
          {state.reason === 'purged' ? t('purged', { date: state.purgedAt?.slice(0, 10) ?? '' }) : why && t(why)}
        </p>
        <RestoreLinks ids={state.restoreRunIds} />
      </RestoreSection>
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
    <RestoreSection heading={t('heading')}>
      <p id={`restore-hint-${runId}`}>{t('hint', { count: state.users })}</p>
      <RestoreLinks ids={state.restoreRunIds} />
      {canRestore && app && !confirming && (
        <button
          type="button"
          onClick={() => setConfirming(true)}
          aria-describedby={`restore-hint-${runId}`}
          className="rounded bg-blue-700 px-4 py-2 font-medium text-white hover:bg-blue-800"
        >
          {t('button')}
        </button>
      )}
      {confirming && app && (
        <ConfirmPanel
          id="restore-confirm-heading"
          app={app}
          confirmLabel={t('confirm')}
          onConfirm={confirm}
          onBack={() => setConfirming(false)}
          busy={busy}
          busyText={t('busy')}
        >
          <p className="mt-2">{t.rich('confirmText', { count: state.users, strong: (chunks) => <strong>{chunks}</strong> })}</p>
        </ConfirmPanel>
      )}
      {error && (
        <p role="alert" className="text-sm text-red-800">
          {error}
        </p>
      )}
    </RestoreSection>
  );
}

function RestoreSection({ heading, children }: { heading: string; children: ReactNode }) {
  return (
    <section aria-labelledby="restore-heading" className="space-y-3">
      <h2 id="restore-heading" className="text-lg font-semibold">
        {heading}
      </h2>
      {children}
    </section>
  );
}
