'use client';

import { useEffect, useState, useSyncExternalStore } from 'react';
import type { UseFormReturn } from 'react-hook-form';
import type { BulkPickValues } from '@/lib/schemas/bulk';

/** Per app and per tab: a reload keeps what was picked, another app starts from its own. */
const picksKey = (appId: string) => `bulk:picks:${appId}`;
/** The file a dry run took from this page, so the page can say where it went. */
const lastCheckKey = (appId: string) => `bulk:lastCheck:${appId}`;
export type LastCheck = { runId: number; fileName: string };

function parsed<T>(raw: string | null): T | null {
  try {
    return raw === null ? null : (JSON.parse(raw) as T);
  } catch {
    return null;
  }
}

/** Only this tab writes these keys, and it re-renders itself when it does. */
const noSubscription = () => () => undefined;

/** The attributes picked on /bulk survive a reload of the tab: restored once, saved on every change. */
export function usePersistedPicks(appId: string, attrNames: string[], form: UseFormReturn<BulkPickValues>) {
  useEffect(() => {
    const picks = parsed<unknown>(sessionStorage.getItem(picksKey(appId)));
    if (Array.isArray(picks)) form.setValue('attrs', attrNames.filter((n) => picks.includes(n)));
    return form.subscribe({ formState: { values: true }, callback: ({ values }) => sessionStorage.setItem(picksKey(appId), JSON.stringify(values.attrs)) });
  }, [appId, attrNames, form]);
}

/** Where the last file went when a dry run took it from this page: remembered, then forgotten once another file is chosen. */
export function useLastCheck(appId: string) {
  // The server cannot know this tab's storage: it renders no hint, and the browser adds it after hydration.
  const stored = useSyncExternalStore(noSubscription, () => sessionStorage.getItem(lastCheckKey(appId)), () => null);
  const [gone, setGone] = useState(false);
  return {
    lastCheck: gone ? null : parsed<LastCheck>(stored),
    remember: (check: LastCheck) => sessionStorage.setItem(lastCheckKey(appId), JSON.stringify(check)),
    forget: () => {
      setGone(true);
      sessionStorage.removeItem(lastCheckKey(appId));
    },
  };
}
