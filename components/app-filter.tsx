import type { AppSummary } from '@/lib/apps/registry';

/** A plain GET form, so a filtered history is a URL. Not named "App": that name belongs to the header's switcher. */
export function AppFilter({ apps, value }: { apps: AppSummary[]; value: string }) {
  return (
    <form action="/history" className="flex flex-wrap items-end gap-2" aria-label="Filter runs">
      <div>
        <label htmlFor="history-app" className="block font-medium">
          Show runs of
        </label>
        <select id="history-app" name="app" defaultValue={value} className="mt-1 rounded border border-slate-400 bg-white p-2">
          <option value="">Every configured app</option>
          {apps.map((a) => (
            <option key={a.id} value={a.id}>
              {a.label} ({a.sdkAppId})
            </option>
          ))}
        </select>
      </div>
      <button type="submit" className="rounded border border-slate-400 bg-white px-4 py-2 font-medium">
        Show
      </button>
    </form>
  );
}
