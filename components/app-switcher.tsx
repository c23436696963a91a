'use client';

import { useTranslations } from 'next-intl';
import { useRouter } from 'next/navigation';
import { useState, useTransition } from 'react';
import { chooseAppAction } from '@/lib/actions/shell';
import type { AppSummary } from '@/lib/apps/registry';

/** The "App" combobox: the pick is stored for the operator, and the page reloads its data for that app. */
export function AppSwitcher({ apps, current }: { apps: AppSummary[]; current: AppSummary }) {
  const t = useTranslations('ui.header');
  const router = useRouter();
  const [switching, start] = useTransition();
  const [error, setError] = useState<string | null>(null);
  return (
    <div className="flex items-center gap-2 text-sm">
      <label htmlFor="app-switcher">{t('app')}</label>
      <select
        id="app-switcher"
        value={current.id}
        disabled={switching}
        aria-describedby={error ? 'app-switcher-error' : undefined}
        onChange={(e) => {
          const appId = e.target.value;
          start(async () => {
            const result = await chooseAppAction({ appId });
            setError(result.ok ? null : result.message);
            router.refresh();
          });
        }}
        className="max-w-40 rounded border border-white/60 bg-slate-800 px-2 py-1 text-white"
      >
        {apps.map((a) => (
          <option key={a.id} value={a.id}>
            {a.label}
          </option>
        ))}
      </select>
      {error && (
        <span id="app-switcher-error" role="alert">
          {error}
        </span>
      )}
    </div>
  );
}
