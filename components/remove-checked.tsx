'use client';

import { useTranslations } from 'next-intl';
import { removeCheckedAction } from '@/lib/actions/runs';
import type { AppSummary } from '@/lib/apps/registry';
import { needsTypedConfirm } from '@/lib/apps/typed-confirm';
import { RunAction } from './run-action';

/** From a finished dry run: the removal of the same users and attributes, through the same app, after its confirm step. */
export function RemoveChecked({ runId, app, users, attrs }: { runId: number; app: AppSummary; users: number; attrs: string[] }) {
  const t = useTranslations('runs.removeChecked');
  return (
    <RunAction
      id="remove-checked"
      app={app}
      label={t('button')}
      busyText={t('busy')}
      askAppName={needsTypedConfirm(app, users)}
      start={(typedAppName, requestKey) => removeCheckedAction({ runId, requestKey, typedAppName })}
    >
      <p className="mt-2">{t.rich('confirmText', { attrs: attrs.join(', '), count: users, strong: (chunks) => <strong>{chunks}</strong> })}</p>
    </RunAction>
  );
}
