import type { ReactNode } from 'react';

/** What a failed page says, in or out of the console's frame: the words are the caller's, so is the way back to history. */
export function ErrorNotice({
  words,
  digest,
  onRetry,
  historyLink,
}: {
  words: { heading: string; body: string; reference: (digest: string) => string; retry: string };
  digest: string | undefined;
  onRetry: () => void;
  historyLink: ReactNode;
}) {
  return (
    <div role="alert" className="space-y-4">
      <h1 className="text-2xl font-semibold">{words.heading}</h1>
      <p>{words.body}</p>
      {digest && <p className="text-sm text-slate-700">{words.reference(digest)}</p>}
      <div className="flex flex-wrap items-center gap-4">
        <button type="button" onClick={onRetry} className="rounded bg-blue-700 px-4 py-2 font-medium text-white hover:bg-blue-800">
          {words.retry}
        </button>
        {historyLink}
      </div>
    </div>
  );
}
