import { useTranslations } from 'next-intl';

/** A plain GET form: works without JavaScript and leaves a shareable URL (/history?user=…). */
export function UserSearch({ value }: { value: string }) {
  const t = useTranslations('pages.userSearch');
  return (
    <form role="search" action="/history" className="flex flex-wrap items-end gap-2">
      <div>
        <label htmlFor="user-search" className="block font-medium">
          {t('label')}
        </label>
        <input
          id="user-search"
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
