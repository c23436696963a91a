import { useTranslations } from 'next-intl';
import type { AppSummary } from '@/lib/apps/registry';

/** A plain GET form, so a filtered history is a URL. Not named "App": that name belongs to the header's switcher. */
export function AppFilter({ apps, value }: { apps: AppSummary[]; value: string }) {
  const t = useTranslations('pages.appFilter');
  return (
    <form action="/history" className="flex flex-wrap items-end gap-2" aria-label={t('label')}>
      <div>
        <label htmlFor="history-app" className="block font-medium">
          {t('showRunsOf')}
        </label>
        <select id="history-app" name="app" defaultValue={value} className="mt-1 rounded border border-slate-400 bg-white p-2">
          <option value="">{t('everyApp')}</option>
          {apps.map((a) => (
            <option key={a.id} value={a.id}>
              {a.label} ({a.sdkAppId})
            </option>
          ))}
        </select>
      </div>
      <button type="submit" className="rounded border border-slate-400 bg-white px-4 py-2 font-medium">
        {t('submit')}
      </button>
    </form>
  );
}
