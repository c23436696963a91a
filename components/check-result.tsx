import { useTranslations } from 'next-intl';
import type { AttrCount } from '@/lib/queries/runs';
import type { CurrentValue } from '@/lib/results/present';
import { DataTable } from './data-table';
import { NumberCell } from './number-cell';

/** Per picked attribute: how many users a removal would take a value from, and how many have none. */
export function AttrCounts({ counts }: { counts: AttrCount[] }) {
  const t = useTranslations('runs.checkResult');
  if (counts.length === 0) return null;
  return (
    <DataTable
      caption={t('countsCaption')}
      columns={[t('countsColumns.attribute'), { label: t('countsColumns.withValue'), numeric: true }, { label: t('countsColumns.withoutValue'), numeric: true }]}
    >
      {counts.map((c) => (
        <tr key={c.attr} className="border-t border-slate-100">
          <th scope="row" className="px-3 py-2 text-left font-mono font-normal">
            {c.attr}
          </th>
          <NumberCell value={c.withValue} />
          <NumberCell value={c.asked - c.withValue} />
        </tr>
      ))}
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
