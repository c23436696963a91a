'use client';

import { useTranslations } from 'next-intl';
import { useEffect, useRef, type ReactNode } from 'react';
import type { AppSummary } from '@/lib/apps/registry';

/**
 * The last step before anything is sent: what will happen, "Confirm removal" (or "Confirm restore") and "Back". Focus
 * moves to its heading when it appears, so keyboard and screen-reader users land on the summary.
 */
export function ConfirmPanel({
  id,
  app,
  children,
  onConfirm,
  onBack,
  busy,
  busyText,
  confirmLabel,
}: {
  id: string;
  /** Named again here: the last thing read before sending is which app it goes to. */
  app: AppSummary;
  children: ReactNode;
  onConfirm: () => void;
  onBack: () => void;
  busy: boolean;
  busyText: string;
  /** The catalogue's "Confirm removal" when not given. */
  confirmLabel?: string;
}) {
  const t = useTranslations('forms.confirmPanel');
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => heading.current?.focus(), []);
  return (
    <section aria-labelledby={id} className="rounded border-2 border-amber-400 bg-amber-50 p-4">
      <h2 id={id} ref={heading} tabIndex={-1} className="text-lg font-semibold">
        {t('heading')}
      </h2>
      <p className="mt-2">
        {t.rich('app', {
          label: app.label,
          sdkAppId: app.sdkAppId,
          region: app.region,
          withEnv: app.envLabel ? 'yes' : 'no',
          envLabel: app.envLabel ?? '',
          strong: (chunks) => <strong>{chunks}</strong>,
        })}
      </p>
      {children}
      <div className="mt-4 flex gap-3">
        <button
          type="button"
          onClick={onConfirm}
          disabled={busy}
          className="rounded bg-red-700 px-4 py-2 font-medium text-white hover:bg-red-800 disabled:opacity-60"
        >
          {confirmLabel ?? t('confirmRemoval')}
        </button>
        <button type="button" onClick={onBack} disabled={busy} className="rounded border border-slate-400 bg-white px-4 py-2">
          {t('back')}
        </button>
      </div>
      <p role="status" className="mt-3 text-sm">
        {busy ? busyText : ''}
      </p>
    </section>
  );
}
