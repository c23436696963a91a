'use client';

import { useTranslations } from 'next-intl';
import { useEffect, useRef, useState, type ReactNode } from 'react';
import type { AppSummary } from '@/lib/apps/registry';
import { typedNameMatches } from '@/lib/apps/typed-confirm';
import { regionName } from '@/lib/messages/translate';
import { useCatalogue } from './use-catalogue';

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
  askAppName = false,
}: {
  id: string;
  /** Named again here: the last thing read before sending is which app it goes to. */
  app: AppSummary;
  children: ReactNode;
  /** With the typed app name when `askAppName`; the server checks it again. */
  onConfirm: (typedAppName: string | undefined) => void;
  onBack: () => void;
  busy: boolean;
  busyText: string;
  /** The catalogue's "Confirm removal" when not given. */
  confirmLabel?: string;
  /** A large removal on a production app (lib/apps/typed-confirm.ts): Confirm waits for the app's name to be typed. */
  askAppName?: boolean;
}) {
  const t = useTranslations('forms.confirmPanel');
  const messages = useCatalogue();
  const heading = useRef<HTMLHeadingElement>(null);
  const [typed, setTyped] = useState('');
  const typedOk = !askAppName || typedNameMatches(app, typed);
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
          region: regionName(app.region, messages),
          withEnv: app.envLabel ? 'yes' : 'no',
          envLabel: app.envLabel ?? '',
          strong: (chunks) => <strong>{chunks}</strong>,
        })}
      </p>
      {children}
      {askAppName && (
        <div className="mt-3">
          <label htmlFor={`${id}-app-name`} className="block font-medium">
            {t('typeAppName')}
          </label>
          <p id={`${id}-app-name-hint`} className="text-sm text-slate-700">
            {t.rich('typeAppNameHint', { label: app.label, strong: (chunks) => <strong className="font-mono">{chunks}</strong> })}
          </p>
          <input
            id={`${id}-app-name`}
            type="text"
            autoComplete="off"
            spellCheck={false}
            value={typed}
            onChange={(e) => setTyped(e.target.value)}
            aria-describedby={`${id}-app-name-hint`}
            disabled={busy}
            className="mt-1 w-full max-w-sm rounded border border-slate-400 bg-white p-2"
          />
        </div>
      )}
      <div className="mt-4 flex gap-3">
        <button
          type="button"
          onClick={() => onConfirm(askAppName ? typed : undefined)}
          disabled={busy || !typedOk}
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
