/**
 * What the runner does about each failure: the TIM error codes of the fact sheet's §4, the
 * transport failures and the console's own app failures, each mapped to a Handling. No words: what
 * an operator reads about a failure is in the message catalogue (messages/<lang>/catalogue.json),
 * keyed the same way.
 *
 * Pure data: no React and no 'server-only', because client components render failures too.
 */

/** How the runner reacts to a code (request-level or per-user). */
export type Handling =
  | 'permanent' // this user (or batch) failed; retrying will not help; the run continues
  | 'retry' // transient: retry with exponential backoff + jitter
  | 'rate-limited' // back off and retry; not the user's failure (60007, 60011, 60018, 60019)
  | 'renew-usersig' // generate a fresh UserSig and retry once; if it happens again the run stops (70001, 70003, 60004, 60005)
  | 'split-batch' // too many accounts in one request: split it and continue (90018)
  | 'fatal'; // configuration/credential problem: stop the whole run and tell the operator

// An object literal keyed by code: TypeScript rejects a duplicated key, so each code has exactly one
// handling. Source: tim-api-facts.md §4; the handling follows its "Retry?" column.
const TIM_HANDLING = {
  // §4a — push-API private codes
  90001: 'fatal', // body not valid JSON: a fault in this console
  90009: 'fatal', // identifier is not an App admin
  90018: 'split-batch', // more than 100 accounts in one request
  90033: 'permanent', // attribute name not among the app's names
  90035: 'permanent', // attribute bound to the other account type
  91000: 'retry', // internal error; the docs say to retry

  // §4b — common REST codes
  60002: 'fatal',
  60003: 'fatal',
  60004: 'renew-usersig',
  60005: 'renew-usersig',
  60006: 'fatal',
  60007: 'rate-limited',
  60008: 'retry',
  60009: 'fatal',
  60010: 'fatal',
  60011: 'rate-limited',
  60012: 'fatal',
  60013: 'retry',
  60014: 'retry',
  60015: 'fatal',
  60016: 'fatal',
  60017: 'fatal',
  60018: 'rate-limited',
  60019: 'rate-limited',
  60020: 'fatal',
  60021: 'fatal',
  60025: 'fatal',
  60026: 'fatal',

  // §4c — account / auth codes
  70001: 'renew-usersig',
  70003: 'renew-usersig',
  70009: 'fatal',
  70013: 'fatal',
  70014: 'fatal',
  70016: 'fatal',
  70020: 'fatal',
  70050: 'fatal', // only after fixing the sig, and a minute's wait: the operator has to act
  70051: 'permanent',
  70107: 'permanent',
  70169: 'retry',
  70402: 'permanent',
  70403: 'fatal',
  70500: 'retry',
} as const satisfies Readonly<Record<number, Handling>>;

/** A code of the fact sheet: each has its own words in the catalogue under `tim.<code>`. */
export type KnownTimCode = keyof typeof TIM_HANDLING;

/** Every known TIM code, ascending. */
export const TIM_ERROR_CODES: readonly KnownTimCode[] = Object.freeze(
  Object.keys(TIM_HANDLING)
    .map((key) => Number(key) as KnownTimCode)
    .sort((a, b) => a - b),
);

/** A code we do not know: we cannot claim a retry would help; failing just this user/batch keeps the run going. */
export const UNKNOWN_CODE_HANDLING: Handling = 'permanent';

export function isKnownTimCode(code: number): code is KnownTimCode {
  return Number.isInteger(code) && Object.hasOwn(TIM_HANDLING, code);
}

export function timHandling(code: number): Handling {
  return isKnownTimCode(code) ? TIM_HANDLING[code] : UNKNOWN_CODE_HANDLING;
}

/** Why a request got no readable TIM reply (lib/tim/client.ts decides which). */
const TRANSPORT_HANDLING = {
  timeout: 'retry',
  network: 'retry',
  'http-5xx': 'retry',
  'http-status': 'fatal', // a non-200, non-5xx status: the console is pointed at the wrong server
  'bad-response': 'retry',
  // Longer than any TIM reply (lib/tim/http-post.ts MAX_REPLY_BYTES): garbled like a bad response,
  // and retried like one, as a 5xx is. Each try reads at most the limit, and the users it fails stay retryable.
  'too-large': 'retry',
} as const satisfies Readonly<Record<string, Handling>>;

export type TransportFailure = keyof typeof TRANSPORT_HANDLING;

export const TRANSPORT_FAILURES: readonly TransportFailure[] = Object.freeze(Object.keys(TRANSPORT_HANDLING) as TransportFailure[]);

export function transportHandling(kind: TransportFailure): Handling {
  return TRANSPORT_HANDLING[kind];
}

/** Why the console itself stopped a run before sending: its app is no longer the one it was started on. */
const APP_HANDLING = {
  removed: 'fatal',
  changed: 'fatal',
} as const satisfies Readonly<Record<string, Handling>>;

export type AppFailure = keyof typeof APP_HANDLING;

export const APP_FAILURES: readonly AppFailure[] = Object.freeze(Object.keys(APP_HANDLING) as AppFailure[]);

export function appHandling(kind: AppFailure): Handling {
  return APP_HANDLING[kind];
}

/**
 * What a stored failure key names. Keys are the TIM code as a string ('70107'), 'transport.<kind>'
 * or 'app.<kind>'; they are stored with every failed user and run, and the catalogue is keyed the same way.
 */
export type FailureRef =
  | { kind: 'tim'; code: number }
  | { kind: 'transport'; failure: TransportFailure }
  | { kind: 'app'; failure: AppFailure };

const TRANSPORT_PREFIX = 'transport.';
const APP_PREFIX = 'app.';

export function failureKey(ref: FailureRef): string {
  switch (ref.kind) {
    case 'tim':
      return String(ref.code);
    case 'transport':
      return `${TRANSPORT_PREFIX}${ref.failure}`;
    case 'app':
      return `${APP_PREFIX}${ref.failure}`;
  }
}

/**
 * Reads a stored key back. A key this version does not know (an older or newer database) reads as a
 * TIM code — the stored one, else the key as a number — so it is shown as unrecognised, never thrown.
 */
export function parseFailureKey(key: string, code: number | null): FailureRef {
  if (key.startsWith(TRANSPORT_PREFIX)) {
    const kind = key.slice(TRANSPORT_PREFIX.length);
    if (Object.hasOwn(TRANSPORT_HANDLING, kind)) return { kind: 'transport', failure: kind as TransportFailure };
  } else if (key.startsWith(APP_PREFIX)) {
    const kind = key.slice(APP_PREFIX.length);
    if (Object.hasOwn(APP_HANDLING, kind)) return { kind: 'app', failure: kind as AppFailure };
  }
  return { kind: 'tim', code: code ?? Number(key) };
}

export function handlingOf(ref: FailureRef): Handling {
  switch (ref.kind) {
    case 'tim':
      return timHandling(ref.code);
    case 'transport':
      return transportHandling(ref.failure);
    case 'app':
      return appHandling(ref.failure);
  }
}

export interface RetryPolicy {
  /** Requests per user for transient errors (91000, 5xx, timeouts) before the user is failed. */
  maxAttempts: number;
  /** Requests of a batch answered 60007/60011 (each slows the app's budget) before its users are failed with that code. */
  maxRateLimitWaits: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  maxAttempts: 5,
  maxRateLimitWaits: 20,
  baseDelayMs: 250,
  maxDelayMs: 10_000,
};

/** Exponential back-off with jitter in [½, 1] of the step, so retries of parallel batches spread out. */
export function backoffDelay(attempt: number, policy: RetryPolicy, random: () => number): number {
  const step = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(step * (0.5 + random() / 2));
}
