import { useTranslations } from 'next-intl';
import type { AttrCount } from '@/lib/queries/runs';
import type { CurrentValue } from '@/lib/results/present';
import { DataTable } from './data-table';
import { NumberCell } from './number-cell';

/**
 * Per picked attribute: how many users a removal would take a value from, how many have none, and
 * how many could not be read (unknown users and other failures), with a bar of the three.
 */
export function AttrCounts({ counts, unread }: { counts: AttrCount[]; /** Left out where the caller does not know it (the form's own result). */ unread?: number }) {
  const t = useTranslations('runs.checkResult');
  if (counts.length === 0) return null;
  return (
    <DataTable
      caption={t('countsCaption')}
      columns={[
        t('countsColumns.attribute'),
        { label: t('countsColumns.withValue'), numeric: true as const },
        { label: t('countsColumns.withoutValue'), numeric: true as const },
        ...(unread === undefined ? [] : [{ label: t('countsColumns.unread'), numeric: true as const }]),
        t('countsColumns.picture'),
      ]}
    >
      {counts.map((c) => {
        const all = Math.max(c.asked + (unread ?? 0), 1);
        const parts = [
          ['bg-sky-700', c.withValue],
          ['bg-slate-400', c.asked - c.withValue],
          ['bg-violet-500', unread ?? 0],
        ] as const;
        return (
          <tr key={c.attr} className="border-t border-slate-100">
            <th scope="row" className="px-3 py-2 text-left font-mono font-normal">
              {c.attr}
            </th>
            <NumberCell value={c.withValue} />
            <NumberCell value={c.asked - c.withValue} />
            {unread !== undefined && <NumberCell value={unread} />}
            <td className="px-3 py-2">
              <div
                role="img"
                aria-label={t('picture', { attr: c.attr, withValue: c.withValue, withoutValue: c.asked - c.withValue, unread: unread ?? 0 })}
                className="flex h-2.5 w-32 overflow-hidden rounded bg-slate-100 ring-1 ring-slate-300"
              >
                {parts.map(([colour, n]) => n > 0 && <div key={colour} className={colour} style={{ width: `${(n / all) * 100}%` }} />)}
              </div>
            </td>
          </tr>
        );
      })}
    </DataTable>
  );
}

/** Every checked user's current value of each attribute; empty when the user has none. */
export function CurrentValuesTable({ values, caption }: { values: CurrentValue[]; caption: string }) {
  const t = useTranslations('runs.checkResult');
  return (
    <DataTable caption={caption} columns={[t('valuesColumns.user'), t('valuesColumns.attribute'), t('valuesColumns.value')]}>
      {values.map((v) => (
        <tr key={`${v.user}\u0000${v.attr}`} className="border-t border-slate-100">
          <td className="px-3 py-2 font-mono break-words">{v.user}</td>
          <td className="px-3 py-2 font-mono">{v.attr}</td>
          <td className="px-3 py-2 break-words">{v.value === '' ? <span className="text-slate-600">{t('none')}</span> : v.value}</td>
        </tr>
      ))}
    </DataTable>
  );
}
