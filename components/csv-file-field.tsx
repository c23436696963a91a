'use client';

import { useTranslations } from 'next-intl';
import { useRef, useState } from 'react';
import type { CsvLimits } from '@/lib/csv/limits';
import { mib } from './use-staged-upload';

/** The file picker and drop zone of /bulk: one file at a time, handed to `onChoose`. */
export function CsvFileField({ fileName, limits, disabled, onChoose }: { fileName: string | null; limits: CsvLimits; disabled: boolean; onChoose: (file: File | null) => void }) {
  const t = useTranslations('forms.bulkUpload');
  const [dragging, setDragging] = useState(false);
  const fileInput = useRef<HTMLInputElement>(null);
  return (
    <div
      onDragOver={(e) => {
        e.preventDefault();
        setDragging(true);
      }}
      onDragLeave={() => setDragging(false)}
      onDrop={(e) => {
        e.preventDefault();
        setDragging(false);
        onChoose(e.dataTransfer.files[0] ?? null);
      }}
      className={`rounded border-2 border-dashed p-6 ${dragging ? 'border-blue-700 bg-blue-50' : 'border-slate-400 bg-white'}`}
    >
      <label htmlFor="csv-file" className="block font-medium">
        {t('fileLabel')}
      </label>
      <p id="csv-file-hint" className="text-sm text-slate-600">
        {t.rich('fileHint', {
          maxRows: limits.maxRows,
          maxMib: mib(limits.maxBytes),
          code: (chunks) => <code>{chunks}</code>,
          template: (chunks) => (
            <a href="/template.csv" download className="text-blue-800 underline">
              {chunks}
            </a>
          ),
        })}
      </p>
      {/* The browser's own picker speaks its own language ("Choose File"); this one speaks the reader's. The input stays the control keyboards and screen readers reach. */}
      <div className="mt-2 flex flex-wrap items-center gap-3">
        <input
          ref={fileInput}
          id="csv-file"
          type="file"
          accept=".csv,text/csv"
          aria-describedby="csv-file-hint"
          disabled={disabled}
          onChange={(e) => onChoose(e.target.files?.[0] ?? null)}
          className="peer sr-only"
        />
        <span
          aria-hidden="true"
          onClick={() => fileInput.current?.click()}
          className="cursor-pointer rounded border border-blue-700 bg-white px-4 py-2 font-medium text-blue-800 hover:bg-blue-50 peer-focus-visible:ring-2 peer-focus-visible:ring-blue-700 peer-focus-visible:ring-offset-2 peer-disabled:cursor-not-allowed peer-disabled:opacity-50"
        >
          {t('chooseFile')}
        </span>
        <span className="text-sm text-slate-700">{fileName ?? t('noFileChosen')}</span>
      </div>
    </div>
  );
}
