'use client';

import { zodResolver } from '@hookform/resolvers/zod';
import { useRouter } from 'next/navigation';
import { useCallback, useEffect, useRef, useState, useTransition } from 'react';
import { useForm } from 'react-hook-form';
import { startBulkRunAction } from '@/app/bulk/actions';
import { validateCsvFile } from '@/lib/csv/parse';
import { MAX_CSV_BYTES, MAX_CSV_ROWS } from '@/lib/csv/limits';
import type { CsvValidation } from '@/lib/csv/validate';
import { csvMessage } from '@/lib/messages/translate';
import { bulkPickSchema, type BulkPickValues } from '@/lib/schemas/bulk';
import { newRequestKey } from '@/lib/schemas/request-key';
import { AttributePicker } from './attribute-picker';
import type { AppSummary } from '@/lib/apps/registry';
import { ConfirmPanel } from './confirm-panel';
import { CsvPreview } from './csv-preview';

type Stage =
  | { kind: 'empty' }
  | { kind: 'reading'; fraction: number }
  | { kind: 'preview'; preview: CsvValidation }
  | { kind: 'confirm'; preview: CsvValidation; requestKey: string };

export function BulkUpload({ app, attrNames }: { app: AppSummary; attrNames: string[] }) {
  const router = useRouter();
  const form = useForm<BulkPickValues>({ resolver: zodResolver(bulkPickSchema), defaultValues: { attrs: [] } });
  const [file, setFile] = useState<File | null>(null);
  const [stage, setStage] = useState<Stage>({ kind: 'empty' });
  const [startError, setStartError] = useState<string | null>(null);
  const [starting, startTransition] = useTransition();
  const [dragging, setDragging] = useState(false);
  // Remounting the input is the only way to clear the file it shows.
  const [inputKey, setInputKey] = useState(0);
  const readSeq = useRef(0);
  const fileRef = useRef<File | null>(null);

  const read = useCallback(
    (f: File | null, picks: string[]) => {
      const seq = ++readSeq.current;
      if (!f) return setStage({ kind: 'empty' });
      setStage({ kind: 'reading', fraction: 0 });
      validateCsvFile(f, attrNames, picks, (fraction) => {
        if (seq === readSeq.current) setStage({ kind: 'reading', fraction });
      }).then((preview) => {
        if (seq === readSeq.current) setStage({ kind: 'preview', preview });
      });
    },
    [attrNames],
  );

  // Rows without their own attributes take the picked ones, so the preview follows the picks.
  useEffect(
    () =>
      form.subscribe({
        name: 'attrs',
        formState: { values: true },
        callback: ({ values }) => {
          if (fileRef.current) read(fileRef.current, values.attrs);
        },
      }),
    [form, read],
  );

  const choose = (f: File | null) => {
    setStartError(null);
    setFile(f);
    fileRef.current = f;
    read(f, form.getValues('attrs'));
  };

  const review = form.handleSubmit(() => {
    if (stage.kind === 'preview') setStage({ kind: 'confirm', preview: stage.preview, requestKey: newRequestKey() });
  });

  const confirm = (values: BulkPickValues) => {
    if (!file || stage.kind !== 'confirm') return;
    const data = new FormData();
    data.set('file', file);
    data.set('requestKey', stage.requestKey);
    data.set('appId', app.id);
    for (const a of values.attrs) data.append('attrs', a);
    startTransition(async () => {
      const result = await startBulkRunAction(data);
      if (!result.ok) {
        setStartError(result.message);
        setStage({ kind: 'preview', preview: stage.preview });
        return;
      }
      choose(null);
      setInputKey((k) => k + 1);
      router.push(`/bulk?run=${result.value.runId}`);
    });
  };

  const preview = stage.kind === 'preview' || stage.kind === 'confirm' ? stage.preview : null;
  const sendable = preview !== null && preview.fatal === null && preview.users.size > 0;

  return (
    <div className="space-y-6">
      <form onSubmit={review} noValidate className="space-y-6">
        <div
          onDragOver={(e) => {
            e.preventDefault();
            setDragging(true);
          }}
          onDragLeave={() => setDragging(false)}
          onDrop={(e) => {
            e.preventDefault();
            setDragging(false);
            choose(e.dataTransfer.files[0] ?? null);
          }}
          className={`rounded border-2 border-dashed p-6 ${dragging ? 'border-blue-700 bg-blue-50' : 'border-slate-400 bg-white'}`}
        >
          <label htmlFor="csv-file" className="block font-medium">
            CSV file
          </label>
          <p id="csv-file-hint" className="text-sm text-slate-600">
            Choose a file or drop it here. A header row with <code>To_Account</code> (or user, userid, user_id, account) and an
            optional <code>Attrs</code> column (names separated by ; or |), or one user ID per line. Up to{' '}
            {MAX_CSV_ROWS.toLocaleString('en')} rows and {MAX_CSV_BYTES / 1024 / 1024} MiB.{' '}
            <a href="/template.csv" download className="text-blue-800 underline">
              Download a template CSV
            </a>
          </p>
          <input
            key={inputKey}
            id="csv-file"
            type="file"
            accept=".csv,text/csv"
            aria-describedby="csv-file-hint"
            disabled={stage.kind === 'confirm' || starting}
            onChange={(e) => choose(e.target.files?.[0] ?? null)}
            className="mt-2 block"
          />
        </div>

        <AttributePicker
          names={attrNames}
          disabled={stage.kind === 'confirm' || starting}
          error={form.formState.errors.attrs?.message}
          register={form.register('attrs')}
          hint="Used for rows whose CSV has no attributes of its own."
        />

        <p role="status" className="text-sm">
          {stage.kind === 'reading' ? `Reading the file… ${Math.round(stage.fraction * 100)}%` : ''}
        </p>

        {preview?.fatal && (
          <div role="alert" className="rounded border border-red-300 bg-red-50 p-4 text-red-900">
            {csvMessage(preview.fatal)}
          </div>
        )}
        {preview && !preview.fatal && file && <CsvPreview preview={preview} fileName={file.name} />}

        {stage.kind !== 'confirm' && (
          <button
            type="submit"
            disabled={!sendable}
            className="rounded bg-blue-700 px-4 py-2 font-medium text-white hover:bg-blue-800 disabled:opacity-50"
          >
            Start removal
          </button>
        )}
      </form>

      {stage.kind === 'confirm' && (
        <ConfirmPanel
          app={app}
          id="bulk-confirm-heading"
          onConfirm={() => void form.handleSubmit(confirm)()}
          onBack={() => setStage({ kind: 'preview', preview: stage.preview })}
          busy={starting}
          busyText="Uploading and checking the file on the server…"
        >
          <p className="mt-2">
            Remove attributes from <strong>{stage.preview.users.size.toLocaleString('en')} users</strong> in{' '}
            <strong>{file?.name}</strong>. The run continues on the server if you leave this page.
          </p>
        </ConfirmPanel>
      )}
      {startError && (
        <div role="alert" className="rounded border border-red-300 bg-red-50 p-4 text-red-900">
          {startError}
        </div>
      )}
    </div>
  );
}
