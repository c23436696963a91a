import { useTranslations } from 'next-intl';

/**
 * A plain GET form for one user ID: works without JavaScript and leaves a shareable URL
 * (/history?user=…). Across all runs by default; `scope` narrows it to one run's page.
 */
export function UserSearch({ value, scope }: { value: string; scope?: { action: string; id: string; label: string } }) {
  const t = useTranslations('pages.userSearch');
  const id = scope?.id ?? 'user-search';
  return (
    <form role="search" action={scope?.action ?? '/history'} className="flex flex-wrap items-end gap-2">
      <div>
        <label htmlFor={id} className="block font-medium">
          {scope?.label ?? t('label')}
        </label>
        <input
          id={id}
          type="search"
          name="user"
          defaultValue={value}
          autoComplete="off"
          spellCheck={false}
          className="mt-1 w-72 rounded border border-slate-400 bg-white p-2 font-mono text-sm"
        />
      </div>
      <button type="submit" className="rounded bg-blue-700 px-4 py-2 font-medium text-white">
        {t('submit')}
      </button>
    </form>
  );
}
