'use client';

import { zodResolver } from '@hookform/resolvers/zod';
import { useTranslations } from 'next-intl';
import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useState, useTransition } from 'react';
import { useForm } from 'react-hook-form';
import { discardUploadAction, startUploadAction } from '@/lib/actions/uploads';
import type { AppSummary } from '@/lib/apps/registry';
import { needsTypedConfirm } from '@/lib/apps/typed-confirm';
import type { CsvLimits } from '@/lib/csv/limits';
import type { CsvPreviewCounts } from '@/lib/csv/preview';
import { formatDateTime } from '@/lib/messages/format';
import { csvMessage } from '@/lib/messages/translate';
import { bulkPickSchema, type BulkPickValues } from '@/lib/schemas/bulk';
import { newRequestKey } from '@/lib/schemas/request-key';
import type { StagedUpload } from '@/lib/schemas/upload';
import { AttributePicker } from './attribute-picker';
import { BulkConfirmText } from './bulk-confirm-text';
import { useLastCheck, usePersistedPicks } from './bulk-session';
import { ConfirmPanel } from './confirm-panel';
import { CsvFileField } from './csv-file-field';
import { CsvPreview } from './csv-preview';
import { useBrowserPreview } from './use-browser-preview';
import { useCatalogue } from './use-catalogue';
import { useStagedUpload } from './use-staged-upload';

const percent = (f: number) => `${Math.round(f * 100)}%`;

/**
 * Choosing a file starts two passes at once: the browser's own, in a Web Worker, shown within a
 * second or two, and the upload, which the server reads as it arrives and stages. Start removal
 * only starts the staged run, so the first request leaves as soon as it is confirmed.
 */
export function BulkUpload({ app, attrNames, limits, staged }: { app: AppSummary; attrNames: string[]; limits: CsvLimits; staged: StagedUpload | null }) {
  const messages = useCatalogue();
  const t = useTranslations('forms.bulkUpload');
  const router = useRouter();
  const form = useForm<BulkPickValues>({ resolver: zodResolver(bulkPickSchema), defaultValues: { attrs: [] } });
  const [fileName, setFileName] = useState<string | null>(staged?.fileName ?? null);
  const browser = useBrowserPreview(attrNames, limits);
  const local = browser.state;
  const upload = useStagedUpload(app.id, limits, staged);
  const server = upload.state;
  const [confirming, setConfirming] = useState<{ requestKey: string; picked: string[] } | null>(null);
  const { lastCheck, remember, forget } = useLastCheck(app.id);
  const [startError, setStartError] = useState<string | null>(null);
  const [starting, startTransition] = useTransition();
  usePersistedPicks(app.id, attrNames, form);

  const choose = (file: File | null) => {
    browser.reset();
    setStartError(null);
    setConfirming(null);
    forget();
    // The file shown before is replaced: its staged rows go now rather than in 24 hours.
    const replaced = server.kind === 'staged' && server.upload.id !== null ? discardUploadAction({ uploadId: server.upload.id }) : null;
    setFileName(file?.name ?? null);
    upload.reset();
    if (!file) return;
    browser.read(file);
    upload.send(file, replaced);
  };

  const stagedUpload = server.kind === 'staged' ? server.upload : null;
  const needsPicks = (stagedUpload?.rowsWithoutAttrs ?? 0) > 0;

  /** Whether the staged upload can start with these picks; says why not next to the attributes. */
  const ready = (values: BulkPickValues): boolean => {
    if (!stagedUpload) return false;
    if (needsPicks && values.attrs.length === 0) {
      form.setError('attrs', { message: t('pickAttribute') });
      return false;
    }
    setStartError(null);
    return true;
  };

  const review = form.handleSubmit((values) => {
    if (ready(values)) setConfirming({ requestKey: newRequestKey(), picked: values.attrs });
  });

  const confirm = (values: BulkPickValues, typedAppName: string | undefined) => {
    if (!stagedUpload || !confirming) return;
    startTransition(async () => {
      const result = await startUploadAction({ uploadId: stagedUpload.id, attrs: values.attrs, requestKey: confirming.requestKey, typedAppName });
      if (!result.ok) {
        setStartError(result.message);
        setConfirming(null);
        return;
      }
      // The page keys this form by the run it names, so it comes back empty, ready for the next file.
      router.push(`/bulk?run=${result.value.runId}`);
    });
  };

  // A dry run of the staged users changes nothing, so it starts without a confirm step; its page shows the values.
  const check = form.handleSubmit((values) => {
    if (!stagedUpload || !ready(values)) return;
    startTransition(async () => {
      const result = await startUploadAction({ uploadId: stagedUpload.id, attrs: values.attrs, requestKey: newRequestKey(), kind: 'check' });
      if (!result.ok) {
        setStartError(result.message);
        return;
      }
      remember({ runId: result.value.runId, fileName: stagedUpload.fileName });
      router.push(`/history/${result.value.runId}`);
    });
  });

  const preview: CsvPreviewCounts | null = stagedUpload
    ? { ...stagedUpload, validRows: stagedUpload.users + stagedUpload.duplicateRows, fatal: null }
    : local.kind === 'done'
      ? local.preview
      : null;
  const busy = confirming !== null || starting;
  const progress = [
    local.kind === 'reading' ? t('readingInBrowser', { percent: percent(local.fraction) }) : '',
    server.kind === 'uploading'
      ? server.fraction < 1
        ? t('uploading', { percent: percent(server.fraction) })
        : upload.finishing !== null
          ? t('serverFinishing', { percent: percent(upload.finishing) })
          : t('serverChecking')
      : '',
  ]
    .filter(Boolean)
    .join(' · ');

  return (
    <div className="space-y-6">
      {lastCheck && !fileName && (
        <p className="rounded border border-blue-200 bg-blue-50 p-3 text-sm">
          {t.rich('lastCheck', {
            fileName: lastCheck.fileName,
            runId: lastCheck.runId,
            link: (chunks) => (
              <Link href={`/history/${lastCheck.runId}`} className="text-blue-800 underline">
                {chunks}
              </Link>
            ),
          })}
        </p>
      )}
      <form onSubmit={review} noValidate className="space-y-6">
        <CsvFileField fileName={fileName} limits={limits} disabled={busy} onChoose={choose} />

        <AttributePicker
          names={attrNames}
          disabled={busy}
          error={form.formState.errors.attrs?.message}
          register={form.register('attrs')}
          hint={t('attrsHint')}
        />

        <p role="status" className="text-sm">
          {progress}
        </p>

        {local.kind === 'done' && local.preview.fatal && (
          <div role="alert" className="rounded border border-red-300 bg-red-50 p-4 text-red-900">
            {csvMessage(local.preview.fatal, messages)}
          </div>
        )}
        {server.kind === 'refused' && (
          <div role="alert" className="rounded border border-red-300 bg-red-50 p-4 text-red-900">
            {server.message}
          </div>
        )}
        {preview && !preview.fatal && fileName && (
          <CsvPreview
            preview={preview}
            fileName={fileName}
            checkedBy={stagedUpload ? 'server' : 'browser'}
            downloadHref={stagedUpload?.id ? `/api/uploads/${stagedUpload.id}/invalid-rows` : undefined}
          />
        )}
        {stagedUpload && stagedUpload.id === null && (
          <div role="alert" className="rounded border border-red-300 bg-red-50 p-4 text-red-900">
            {csvMessage({ code: 'csv.noValidRows', params: { invalid: stagedUpload.invalidRows, rows: stagedUpload.rowsRead } }, messages)}
          </div>
        )}
        {stagedUpload && staged?.id === stagedUpload.id && (
          <p className="text-sm text-slate-700">
            {t('staged', {
              stagedAt: formatDateTime(stagedUpload.stagedMs),
              expiresAt: formatDateTime(stagedUpload.expiresMs),
            })}
          </p>
        )}

        {!confirming && (
          <div className="flex flex-wrap gap-3">
            <button
              type="submit"
              disabled={!stagedUpload || stagedUpload.users === 0 || starting}
              className="rounded bg-blue-700 px-4 py-2 font-medium text-white hover:bg-blue-800 disabled:opacity-50"
            >
              {t('startRemoval')}
            </button>
            <button
              type="button"
              onClick={() => void check()}
              disabled={!stagedUpload || stagedUpload.users === 0 || starting}
              className="rounded border border-blue-700 bg-white px-4 py-2 font-medium text-blue-800 disabled:opacity-50"
            >
              {t('checkCurrentValues')}
            </button>
          </div>
        )}
      </form>

      {confirming && stagedUpload && (
        <ConfirmPanel
          app={app}
          id="bulk-confirm-heading"
          onConfirm={(typedAppName) => void form.handleSubmit((values) => confirm(values, typedAppName))()}
          onBack={() => setConfirming(null)}
          busy={starting}
          busyText={t('starting')}
          askAppName={needsTypedConfirm(app, stagedUpload.users)}
        >
          <BulkConfirmText upload={stagedUpload} picked={confirming.picked} />
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
