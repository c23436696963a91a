// A Web Worker: the browser's preview of a chosen file, off the page's main thread, so the page
// keeps answering while a million rows are read.
import { previewFile, type PreviewReply, type PreviewRequest } from './preview';

const scope = self as unknown as { onmessage: ((e: MessageEvent<PreviewRequest>) => void) | null; postMessage(m: PreviewReply): void };

scope.onmessage = (e) => {
  void previewFile(e.data, (fraction) => scope.postMessage({ type: 'progress', fraction })).then(
    (preview) => scope.postMessage({ type: 'done', preview }),
    (err: unknown) =>
      scope.postMessage({
        type: 'done',
        preview: {
          rowsRead: 0,
          validRows: 0,
          users: null,
          duplicateRows: null,
          invalidRows: 0,
          rowsWithoutAttrs: 0,
          attrs: [],
          issues: [],
          fatal: { code: 'csv.unreadable', params: { detail: err instanceof Error ? err.message : String(err) } },
        },
      }),
  );
};
