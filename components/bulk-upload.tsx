'use client';

import { zodResolver } from '@hookform/resolvers/zod';
import { useTranslations } from 'next-intl';
import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useEffect, useRef, useState, useSyncExternalStore, useTransition } from 'react';
import { useForm } from 'react-hook-form';
import { discardUploadAction, startUploadAction } from '@/lib/actions/uploads';
import type { AppSummary } from '@/lib/apps/registry';
import { needsTypedConfirm } from '@/lib/apps/typed-confirm';
import type { CsvLimits } from '@/lib/csv/limits';
import type { CsvPreviewCounts, PreviewReply, PreviewRequest } from '@/lib/csv/preview';
import { formatDateTime } from '@/lib/messages/format';
import { csvMessage } from '@/lib/messages/translate';
import { bulkPickSchema, type BulkPickValues } from '@/lib/schemas/bulk';
import { newRequestKey } from '@/lib/schemas/request-key';
import { stagedUploadSchema, type StagedUpload } from '@/lib/schemas/upload';
import { AttributePicker } from './attribute-picker';
import { ConfirmPanel } from './confirm-panel';
import { CsvPreview } from './csv-preview';
import { useCatalogue } from './use-catalogue';

type Local = { kind: 'idle' } | { kind: 'reading'; fraction: number } | { kind: 'done'; preview: CsvPreviewCounts };
type Server = { kind: 'idle' } | { kind: 'uploading'; fraction: number } | { kind: 'staged'; upload: StagedUpload } | { kind: 'refused'; message: string };

/** Per app and per tab: a reload keeps what was picked, another app starts from its own. */
const picksKey = (appId: string) => `bulk:picks:${appId}`;
/** The file a dry run took from this page, so the page can say where it went. */
const lastCheckKey = (appId: string) => `bulk:lastCheck:${appId}`;
type LastCheck = { runId: number; fileName: string };

function parsed<T>(raw: string | null): T | null {
  try {
    return raw === null ? null : (JSON.parse(raw) as T);
  } catch {
    return null;
  }
}

/** Only this tab writes these keys, and it re-renders itself when it does. */
const noSubscription = () => () => undefined;

const percent = (f: number) => `${Math.round(f * 100)}%`;
const mib = (bytes: number) => Math.round((bytes / 1024 / 1024) * 10) / 10;

/** The server's words for a refused upload, or a plain one when the answer is not ours (a proxy's 413, a dropped connection). */
function refusalOf(xhr: XMLHttpRequest, t: ReturnType<typeof useTranslations>): string {
  try {
    const body = JSON.parse(xhr.responseText) as { error?: unknown };
    if (typeof body.error === 'string') return body.error;
  } catch {
    // not JSON: fall through
  }
  return xhr.status === 0 ? t('cutOff') : t('refused', { status: xhr.status });
}

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
  const [local, setLocal] = useState<Local>({ kind: 'idle' });
  const [server, setServer] = useState<Server>(staged ? { kind: 'staged', upload: staged } : { kind: 'idle' });
  const [confirming, setConfirming] = useState<{ requestKey: string; picked: string[] } | null>(null);
  // The server cannot know this tab's storage: it renders no hint, and the browser adds it after hydration.
  const storedCheck = useSyncExternalStore(noSubscription, () => sessionStorage.getItem(lastCheckKey(app.id)), () => null);
  const [checkHintGone, setCheckHintGone] = useState(false);
  const lastCheck = checkHintGone ? null : parsed<LastCheck>(storedCheck);
  const [startError, setStartError] = useState<string | null>(null);
  const [starting, startTransition] = useTransition();
  const [dragging, setDragging] = useState(false);
  const fileInput = useRef<HTMLInputElement>(null);
  const previewWorker = useRef<Worker | null>(null);
  const upload = useRef<XMLHttpRequest | null>(null);

  const stop = () => {
    previewWorker.current?.terminate();
    previewWorker.current = null;
    upload.current?.abort();
    upload.current = null;
  };
  useEffect(() => stop, []);

  useEffect(() => {
    const picks = parsed<unknown>(sessionStorage.getItem(picksKey(app.id)));
    if (Array.isArray(picks)) form.setValue('attrs', attrNames.filter((n) => picks.includes(n)));
    return form.subscribe({ formState: { values: true }, callback: ({ values }) => sessionStorage.setItem(picksKey(app.id), JSON.stringify(values.attrs)) });
  }, [app.id, attrNames, form]);

  const previewInBrowser = (file: File) => {
    const worker = new Worker(new URL('../lib/csv/preview-worker.ts', import.meta.url), { type: 'module' });
    previewWorker.current = worker;
    setLocal({ kind: 'reading', fraction: 0 });
    worker.onmessage = (e: MessageEvent<PreviewReply>) => {
      if (previewWorker.current !== worker) return;
      if (e.data.type === 'progress') setLocal({ kind: 'reading', fraction: e.data.fraction });
      else {
        setLocal({ kind: 'done', preview: e.data.preview });
        worker.terminate();
      }
    };
    const request: PreviewRequest = { file, knownAttrs: attrNames, maxRows: limits.maxRows, maxBytes: limits.maxBytes };
    worker.postMessage(request);
  };

  /** `after`: the discard of the file this one replaces, so its place among the operator's uploads is free first. */
  const sendToServer = (file: File, after: Promise<unknown> | null) => {
    if (file.size > limits.maxBytes) {
      setServer({ kind: 'refused', message: t('tooLarge', { size: mib(file.size), limit: mib(limits.maxBytes) }) });
      return;
    }
    const xhr = new XMLHttpRequest();
    upload.current = xhr;
    setServer({ kind: 'uploading', fraction: 0 });
    xhr.upload.onprogress = (e) => {
      if (upload.current === xhr && e.lengthComputable) setServer({ kind: 'uploading', fraction: e.loaded / Math.max(1, e.total) });
    };
    xhr.onload = () => {
      if (upload.current !== xhr) return;
      upload.current = null;
      // 201: staged; 200: read, but not kept (no valid row).
      const parsed = xhr.status === 201 || xhr.status === 200 ? stagedUploadSchema.safeParse(JSON.parse(xhr.responseText)) : null;
      setServer(parsed?.success ? { kind: 'staged', upload: parsed.data } : { kind: 'refused', message: refusalOf(xhr, t) });
    };
    xhr.onerror = () => {
      if (upload.current !== xhr) return;
      upload.current = null;
      setServer({ kind: 'refused', message: refusalOf(xhr, t) });
    };
    void Promise.resolve(after)
      .catch(() => undefined)
      .then(() => {
        if (upload.current !== xhr) return;
        xhr.open('POST', `/api/uploads?${new URLSearchParams({ appId: app.id, name: file.name })}`);
        xhr.setRequestHeader('content-type', 'text/csv');
        xhr.send(file);
      });
  };

  const choose = (file: File | null) => {
    stop();
    setStartError(null);
    setConfirming(null);
    setCheckHintGone(true);
    sessionStorage.removeItem(lastCheckKey(app.id));
    // The file shown before is replaced: its staged rows go now rather than in 24 hours.
    const replaced = server.kind === 'staged' && server.upload.id !== null ? discardUploadAction({ uploadId: server.upload.id }) : null;
    setFileName(file?.name ?? null);
    setLocal({ kind: 'idle' });
    setServer({ kind: 'idle' });
    if (!file) return;
    previewInBrowser(file);
    sendToServer(file, replaced);
  };

  const stagedUpload = server.kind === 'staged' ? server.upload : null;
  /** Valid rows that name attributes of their own (a repeated user counts once per row). */
  const ownRows = stagedUpload ? stagedUpload.users + stagedUpload.duplicateRows - stagedUpload.rowsWithoutAttrs : 0;
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
      sessionStorage.setItem(lastCheckKey(app.id), JSON.stringify({ runId: result.value.runId, fileName: stagedUpload.fileName } satisfies LastCheck));
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
    server.kind === 'uploading' ? (server.fraction < 1 ? t('uploading', { percent: percent(server.fraction) }) : t('serverChecking')) : '',
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
              disabled={busy}
              onChange={(e) => choose(e.target.files?.[0] ?? null)}
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
          <p className="mt-2">
            {t.rich('confirmSummary', {
              count: stagedUpload.users,
              fileName: stagedUpload.fileName,
              strong: (chunks) => <strong>{chunks}</strong>,
            })}
          </p>
          <ul className="mt-2 list-disc space-y-1 pl-6">
            {stagedUpload.rowsWithoutAttrs > 0 && (
              <li>
                {t.rich('confirmPickedRows', {
                  count: stagedUpload.rowsWithoutAttrs,
                  attrs: confirming.picked.join(', '),
                  strong: (chunks) => <strong className="font-mono">{chunks}</strong>,
                })}
              </li>
            )}
            {ownRows > 0 && stagedUpload.attrSets.length === 0 && (
              <li>
                {t.rich('confirmOwnRows', {
                  count: ownRows,
                  attrs: stagedUpload.attrs.join(', '),
                  strong: (chunks) => <strong className="font-mono">{chunks}</strong>,
                })}
              </li>
            )}
            {ownRows > 0 && stagedUpload.attrSets.length > 0 && (
              <li>
                {t('confirmOwnRowsBySet', { count: ownRows })}
                <ul className="mt-1 list-[circle] space-y-1 pl-6">
                  {stagedUpload.attrSets.map((set) => (
                    <li key={set.attrs.join(';')}>
                      {t.rich('confirmAttrSet', { attrs: set.attrs.join(', '), count: set.rows, strong: (chunks) => <strong className="font-mono">{chunks}</strong> })}
                    </li>
                  ))}
                  {stagedUpload.otherAttrSetRows > 0 && (
                    <li>
                      {t.rich('confirmOtherAttrSets', {
                        attrs: stagedUpload.attrs.join(', '),
                        count: stagedUpload.otherAttrSetRows,
                        strong: (chunks) => <strong className="font-mono">{chunks}</strong>,
                      })}
                    </li>
                  )}
                </ul>
              </li>
            )}
          </ul>
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
