'use client';

import { csvLine } from '@/lib/csv/export';
import { ISSUES_SHOWN, MAX_ISSUES_KEPT } from '@/lib/csv/limits';
import type { CsvValidation } from '@/lib/csv/validate';
import { csvMessage } from '@/lib/messages/translate';

const n = (v: number) => v.toLocaleString('en');

function downloadIssues(preview: CsvValidation, fileName: string) {
  const body = csvLine(['line', 'problem']) + preview.issues.map((i) => csvLine([String(i.line), csvMessage(i)])).join('');
  const url = URL.createObjectURL(new Blob([body], { type: 'text/csv' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = `${fileName.replace(/\.csv$/i, '')}-invalid-rows.csv`;
  a.click();
  URL.revokeObjectURL(url);
}

/** What the file holds, before anything is sent: counts, and every invalid row by line. */
export function CsvPreview({ preview, fileName }: { preview: CsvValidation; fileName: string }) {
  const attrs = [...new Set([...new Set(preview.users.values())].flat())];
  return (
    <section aria-labelledby="preview-heading" className="space-y-4 rounded border border-slate-300 bg-white p-4">
      <h2 id="preview-heading" className="text-lg font-semibold">
        Preview of {fileName}
      </h2>
      <dl className="flex flex-wrap gap-6">
        {(
          [
            ['Rows read', preview.rowsRead],
            ['Valid unique users', preview.users.size],
            ['Duplicates merged', preview.duplicateRows],
            ['Invalid rows', preview.invalidRows],
          ] as const
        ).map(([label, value]) => (
          <div key={label}>
            <dt className="text-xs uppercase tracking-wide text-slate-600">{label}</dt>
            <dd className="text-xl font-semibold tabular-nums">{n(value)}</dd>
          </div>
        ))}
      </dl>
      {attrs.length > 0 && (
        <p>
          Attributes to remove: <span className="font-mono">{attrs.join(', ')}</span>
        </p>
      )}
      {preview.duplicateRows > 0 && (
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
            <button type="button" onClick={() => downloadIssues(preview, fileName)} className="text-blue-800 underline">
              Download all {n(Math.min(preview.invalidRows, MAX_ISSUES_KEPT))} invalid rows (CSV)
            </button>
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
                    <td className="px-3 py-1">{csvMessage(i)}</td>
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
