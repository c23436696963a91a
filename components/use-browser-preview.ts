'use client';

import { useEffect, useRef, useState } from 'react';
import type { CsvLimits } from '@/lib/csv/limits';
import type { CsvPreviewCounts, PreviewReply, PreviewRequest } from '@/lib/csv/preview';

export type BrowserPreview = { kind: 'idle' } | { kind: 'reading'; fraction: number } | { kind: 'done'; preview: CsvPreviewCounts };

/** The browser's own pass over a chosen file, in a Web Worker: counts within a second or two, while the upload is still on its way. */
export function useBrowserPreview(attrNames: string[], limits: CsvLimits) {
  const [state, setState] = useState<BrowserPreview>({ kind: 'idle' });
  const worker = useRef<Worker | null>(null);

  const stop = () => {
    worker.current?.terminate();
    worker.current = null;
  };
  useEffect(() => stop, []);

  const read = (file: File) => {
    const w = new Worker(new URL('../lib/csv/preview-worker.ts', import.meta.url), { type: 'module' });
    worker.current = w;
    setState({ kind: 'reading', fraction: 0 });
    w.onmessage = (e: MessageEvent<PreviewReply>) => {
      if (worker.current !== w) return;
      if (e.data.type === 'progress') setState({ kind: 'reading', fraction: e.data.fraction });
      else {
        setState({ kind: 'done', preview: e.data.preview });
        w.terminate();
      }
    };
    const request: PreviewRequest = { file, knownAttrs: attrNames, maxRows: limits.maxRows, maxBytes: limits.maxBytes };
    w.postMessage(request);
  };

  const reset = () => {
    stop();
    setState({ kind: 'idle' });
  };

  return { state, read, reset };
}
