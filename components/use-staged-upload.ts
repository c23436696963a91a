'use client';

import { useQuery } from '@tanstack/react-query';
import { useTranslations } from 'next-intl';
import { useEffect, useRef, useState } from 'react';
import type { CsvLimits } from '@/lib/csv/limits';
import { arrivingUploadSchema, stagedUploadSchema, type ArrivingUpload, type StagedUpload } from '@/lib/schemas/upload';

export type ServerUpload = { kind: 'idle' } | { kind: 'uploading'; fraction: number } | { kind: 'staged'; upload: StagedUpload } | { kind: 'refused'; message: string };

export const mib = (bytes: number) => Math.round((bytes / 1024 / 1024) * 10) / 10;

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

/** How often the page asks how far the server is, once the whole file is sent and it merges and stores the rows. */
const FINISHING_POLL_MS = 500;

async function fetchArriving(appId: string): Promise<ArrivingUpload | null> {
  const res = await fetch(`/api/uploads?${new URLSearchParams({ appId })}`, { cache: 'no-store' });
  if (!res.ok) return null;
  const parsed = arrivingUploadSchema.safeParse(await res.json());
  return parsed.success ? parsed.data : null;
}

/**
 * The file sent as it is, for the server to read as it arrives and stage: XMLHttpRequest, because
 * fetch reports no upload progress. Starts from the upload the page was rendered with, if any.
 * Once every byte is sent, the server still merges and stores the rows (seconds for millions):
 * `finishing` is how far it has come, polled, or null before it says.
 */
export function useStagedUpload(appId: string, limits: CsvLimits, staged: StagedUpload | null) {
  const t = useTranslations('forms.bulkUpload');
  const [state, setState] = useState<ServerUpload>(staged ? { kind: 'staged', upload: staged } : { kind: 'idle' });
  const upload = useRef<XMLHttpRequest | null>(null);
  // Each file's answers are its own: an earlier file's last figure is never shown for the next.
  const [sends, setSends] = useState(0);
  const sent = state.kind === 'uploading' && state.fraction >= 1;
  const arriving = useQuery({
    queryKey: ['upload-arriving', appId, sends],
    queryFn: () => fetchArriving(appId),
    enabled: sent,
    refetchInterval: sent ? FINISHING_POLL_MS : false,
  });
  const finishing = sent ? (arriving.data?.upload?.finishing ?? null) : null;

  const stop = () => {
    upload.current?.abort();
    upload.current = null;
  };
  useEffect(() => stop, []);

  /** `after`: the discard of the file this one replaces, so its place among the operator's uploads is free first. */
  const send = (file: File, after: Promise<unknown> | null) => {
    if (file.size > limits.maxBytes) {
      setState({ kind: 'refused', message: t('tooLarge', { size: mib(file.size), limit: mib(limits.maxBytes) }) });
      return;
    }
    const xhr = new XMLHttpRequest();
    upload.current = xhr;
    setSends((n) => n + 1);
    setState({ kind: 'uploading', fraction: 0 });
    xhr.upload.onprogress = (e) => {
      if (upload.current === xhr && e.lengthComputable) setState({ kind: 'uploading', fraction: e.loaded / Math.max(1, e.total) });
    };
    xhr.onload = () => {
      if (upload.current !== xhr) return;
      upload.current = null;
      // 201: staged; 200: read, but not kept (no valid row).
      const parsed = xhr.status === 201 || xhr.status === 200 ? stagedUploadSchema.safeParse(JSON.parse(xhr.responseText)) : null;
      setState(parsed?.success ? { kind: 'staged', upload: parsed.data } : { kind: 'refused', message: refusalOf(xhr, t) });
    };
    xhr.onerror = () => {
      if (upload.current !== xhr) return;
      upload.current = null;
      setState({ kind: 'refused', message: refusalOf(xhr, t) });
    };
    void Promise.resolve(after)
      .catch(() => undefined)
      .then(() => {
        if (upload.current !== xhr) return;
        xhr.open('POST', `/api/uploads?${new URLSearchParams({ appId, name: file.name })}`);
        xhr.setRequestHeader('content-type', 'text/csv');
        xhr.send(file);
      });
  };

  const reset = () => {
    stop();
    setState({ kind: 'idle' });
  };

  return { state, finishing: finishing && finishing.total > 0 ? finishing.done / finishing.total : null, send, reset };
}
