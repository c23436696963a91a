/**
 * What is left of the old mixed catalogue: policy is in ./policy, free-text cleaning in ./sanitize,
 * the words in messages/<lang>/catalogue.json (shown by lib/results/present.ts).
 *
 * @deprecated Kept only so lib/jobs/worker.ts compiles until it calls `appFailure` from ./outcomes;
 * delete this file with that change. It has no words: only the key and the handling.
 */
import { appHandling, failureKey, type AppFailure, type Handling } from './policy';

/**
 * @deprecated Use `appFailure(kind, info)` from ./outcomes, which returns the whole Failure. The
 * detail is accepted for the old callers and not used: words are no longer made here.
 */
export const describeAppFailure: (kind: AppFailure, detail?: string) => { key: string; code: null; handling: Handling } = (kind) => ({
  key: failureKey({ kind: 'app', failure: kind }),
  code: null,
  handling: appHandling(kind),
});
