'use client';

import { csvLine } from '@/lib/csv/export';
import { ISSUES_SHOWN } from '@/lib/csv/limits';
import type { CsvPreviewCounts } from '@/lib/csv/preview';
import { csvMessage, type Messages } from '@/lib/messages/translate';
import { useCatalogue } from './use-catalogue';

const n = (v: number) => v.toLocaleString('en');

function downloadShown(preview: CsvPreviewCounts, fileName: string, messages: Messages) {
  const body = csvLine(['line', 'problem']) + preview.issues.map((i) => csvLine([String(i.line), csvMessage(i, messages)])).join('');
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
  return (
    <section aria-labelledby="preview-heading" className="space-y-4 rounded border border-slate-300 bg-white p-4">
      <h2 id="preview-heading" className="text-lg font-semibold">
        Preview of {fileName}
      </h2>
      <p className="text-sm text-slate-700">
        {checkedBy === 'server'
          ? 'Checked by the server: these are the users a start sends to.'
          : 'Checked in your browser. The server checks the file again as it arrives, merges repeated users, and its counts replace these.'}
      </p>
      <dl className="flex flex-wrap gap-6">
        {(
          [
            ['Rows read', preview.rowsRead],
            ...(preview.users === null || preview.duplicateRows === null
              ? ([['Valid rows', preview.validRows]] as const)
              : ([
                  ['Valid unique users', preview.users],
                  ['Duplicates merged', preview.duplicateRows],
                ] as const)),
            ['Invalid rows', preview.invalidRows],
          ] as const
        ).map(([label, value]) => (
          <div key={label}>
            <dt className="text-xs uppercase tracking-wide text-slate-600">{label}</dt>
            <dd className="text-xl font-semibold tabular-nums">{n(value)}</dd>
          </div>
        ))}
      </dl>
      {preview.attrs.length > 0 && (
        <p>
          Attributes named in the file: <span className="font-mono">{preview.attrs.join(', ')}</span>
        </p>
      )}
      {preview.rowsWithoutAttrs > 0 && (
        <p>
          {n(preview.rowsWithoutAttrs)} {preview.rowsWithoutAttrs === 1 ? 'row names' : 'rows name'} no attributes: the attributes picked
          below are removed from {preview.rowsWithoutAttrs === 1 ? 'that user' : 'those users'}.
        </p>
      )}
      {preview.duplicateRows !== null && preview.duplicateRows > 0 && (
        <p className="text-sm text-amber-900">
          Warning: {n(preview.duplicateRows)} {preview.duplicateRows === 1 ? 'row repeats a user' : 'rows repeat users'} listed earlier;
          each such user is sent once, with all the attributes of its rows.
        </p>
      )}
      {preview.issues.length > 0 && (
        <div className="space-y-2">
          <p>
            Invalid rows are not sent; the valid ones can still run.
            {preview.invalidRows > ISSUES_SHOWN && ` The first ${ISSUES_SHOWN} are listed.`}{' '}
            {downloadHref ? (
              <a href={downloadHref} download className="text-blue-800 underline">
                Download the invalid rows (CSV)
              </a>
            ) : (
              <button type="button" onClick={() => downloadShown(preview, fileName, messages)} className="text-blue-800 underline">
                Download the invalid rows listed (CSV)
              </button>
            )}
          </p>
          <div className="max-h-96 overflow-auto rounded border border-slate-200">
            <table className="min-w-full text-left text-sm">
              <caption className="sr-only">Invalid rows</caption>
              <thead className="sticky top-0 bg-slate-100">
                <tr>
                  <th scope="col" className="px-3 py-2">Line</th>
                  <th scope="col" className="px-3 py-2">Problem</th>
                </tr>
              </thead>
              <tbody>
                {preview.issues.slice(0, ISSUES_SHOWN).map((i) => (
                  <tr key={i.line} className="border-t border-slate-100">
                    <td className="px-3 py-1 tabular-nums">{i.line}</td>
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
