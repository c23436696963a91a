'use client';

import { useFormatter, useTranslations } from 'next-intl';
import { csvLine, UTF8_BOM } from '@/lib/csv/export';
import { ISSUES_SHOWN } from '@/lib/csv/limits';
import type { CsvPreviewCounts } from '@/lib/csv/preview';
import { csvMessage, type Messages } from '@/lib/messages/translate';
import { useCatalogue } from './use-catalogue';

/** The column names stay English: they are the file's format, read by tools rather than people. */
function downloadShown(preview: CsvPreviewCounts, fileName: string, messages: Messages) {
  const body = UTF8_BOM + csvLine(['line', 'problem']) + preview.issues.map((i) => csvLine([String(i.line), csvMessage(i, messages)])).join('');
  const url = URL.createObjectURL(new Blob([body], { type: 'text/csv' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = `${fileName.replace(/\.csv$/i, '')}-invalid-rows.csv`;
  a.click();
  URL.revokeObjectURL(url);
}

/**
 * What the file holds, before anything is sent: counts, and the invalid rows by line. The
 * browser's own pass shows first; the server's (`checkedBy: 'server'`) replaces it and is what a
 * start sends. `downloadHref` is the server's full list of invalid rows.
 */
export function CsvPreview({
  preview,
  fileName,
  checkedBy,
  downloadHref,
}: {
  preview: CsvPreviewCounts;
  fileName: string;
  checkedBy: 'browser' | 'server';
  downloadHref?: string;
}) {
  const messages = useCatalogue();
  const t = useTranslations('forms.csvPreview');
  const format = useFormatter();
  const n = (v: number) => format.number(v);
  return (
    <section aria-labelledby="preview-heading" className="space-y-4 rounded border border-slate-300 bg-white p-4">
      <h2 id="preview-heading" className="text-lg font-semibold">
        {t('heading', { fileName })}
      </h2>
      <p className="text-sm text-slate-700">
        {checkedBy === 'server' ? t('checkedByServer') : t('checkedByBrowser')}
      </p>
      <dl className="flex flex-wrap gap-6">
        {(
          [
            ['rowsRead', preview.rowsRead],
            ...(preview.users === null || preview.duplicateRows === null
              ? ([['validRows', preview.validRows]] as const)
              : ([
                  ['validUsers', preview.users],
                  ['duplicatesMerged', preview.duplicateRows],
                ] as const)),
            ['invalidRows', preview.invalidRows],
          ] as const
        ).map(([term, value]) => (
          <div key={term}>
            <dt className="text-xs uppercase tracking-wide text-slate-600">{t(term)}</dt>
            <dd className="text-xl font-semibold tabular-nums">{n(value)}</dd>
          </div>
        ))}
      </dl>
      {preview.attrs.length > 0 && (
        <p>
          {t.rich('attrsInFile', {
            names: preview.attrs.join(', '),
            mono: (chunks) => <span className="font-mono">{chunks}</span>,
          })}
        </p>
      )}
      {preview.rowsWithoutAttrs > 0 && (
        <p>
          {t('rowsWithoutAttrs', { count: preview.rowsWithoutAttrs })}
        </p>
      )}
      {preview.duplicateRows !== null && preview.duplicateRows > 0 && (
        <p className="text-sm text-amber-900">
          {t('duplicateWarning', { count: preview.duplicateRows })}
        </p>
      )}
      {preview.issues.length > 0 && (
        <div className="space-y-2">
          <p>
            {t('invalidNote', { listed: preview.invalidRows > ISSUES_SHOWN ? 'some' : 'all', shown: ISSUES_SHOWN })}{' '}
            {downloadHref ? (
              <a href={downloadHref} download className="text-blue-800 underline">
                {t('downloadAll')}
              </a>
            ) : (
              <button type="button" onClick={() => downloadShown(preview, fileName, messages)} className="text-blue-800 underline">
                {t('downloadListed')}
              </button>
            )}
          </p>
          <div className="max-h-96 overflow-auto rounded border border-slate-200">
            <table className="min-w-full text-left text-sm">
              <caption className="sr-only">{t('tableCaption')}</caption>
              <thead className="sticky top-0 bg-slate-100">
                <tr>
                  <th scope="col" className="px-3 py-2 text-right">{t('line')}</th>
                  <th scope="col" className="px-3 py-2">{t('problem')}</th>
                </tr>
              </thead>
              <tbody>
                {preview.issues.slice(0, ISSUES_SHOWN).map((i) => (
                  <tr key={i.line} className="border-t border-slate-100">
                    <td className="px-3 py-1 text-right tabular-nums whitespace-nowrap">{n(i.line)}</td>
                    <td className="px-3 py-1">{csvMessage(i, messages)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </div>
      )}
    </section>
  );
}
