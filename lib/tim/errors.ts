/**
 * The one catalogue of Tencent Cloud IM (Chat) error codes and transport failures, written for the
 * operations staff who read run results, not for developers.
 *
 * Source: the fact sheet's §4 (push-API private codes, common REST codes, account/auth codes).
 * Handling follows its "Retry?" column. Pure data: no React and no 'server-only', because client
 * components render these texts too.
 */

/** How the runner reacts to a code (request-level or per-user). */
export type Handling =
  | 'permanent' // this user (or batch) failed; retrying will not help; the run continues
  | 'retry' // transient: retry with exponential backoff + jitter
  | 'rate-limited' // back off and retry; not the user's failure (60007, 60011, 60018, 60019)
  | 'renew-usersig' // generate a fresh UserSig and retry once; if it happens again the run stops (70001, 70003, 60004, 60005)
  | 'split-batch' // too many accounts in one request: split it and continue (90018)
  | 'fatal'; // configuration/credential problem: stop the whole run and tell the operator

export type TransportFailure = 'timeout' | 'network' | 'http-5xx' | 'http-status' | 'bad-response';

export interface CatalogueEntry {
  key: string; // '70107' for TIM codes, 'transport.timeout' etc. for transport failures
  code: number | null; // the TIM ErrorCode; null for transport failures
  title: string; // short, sentence case
  explanation: string; // what happened, for an ops person
  action: string; // what to do next
  handling: Handling;
}

interface EntryText {
  readonly title: string;
  readonly explanation: string;
  readonly action: string;
  readonly handling: Handling;
}

// Config-fix actions are addressed to "whoever manages this console's settings" because the ops
// person reading a result usually cannot change server environment variables themselves.
const OWNER = "whoever manages this console's settings";
const CONSOLE_FAULT =
  'This points to a fault in this console rather than in your data: report it to the team that maintains the console, with the run ID.';

// An object literal keyed by code: TypeScript rejects a duplicated key, so each code has exactly one entry.
const TIM_CATALOGUE = {
  // §4a — push-API private codes
  90001: {
    title: 'Request could not be read',
    explanation: 'The Chat service could not read the request this console sent (it was not valid JSON).',
    action: CONSOLE_FAULT,
    handling: 'fatal',
  },
  90009: {
    title: 'Push service requires an App admin',
    explanation:
      'The account this console signs its requests with is not an App admin, so the push service refused the request.',
    action: `Ask ${OWNER} to set TIM_ADMIN_IDENTIFIER to an App admin account of this app (admins are listed in the Chat console).`,
    handling: 'fatal',
  },
  90018: {
    title: 'Too many users in one request',
    explanation: 'The request named more accounts than the service accepts at once (at most 100).',
    action: 'Nothing to do: the console splits the batch into smaller requests and continues.',
    handling: 'split-batch',
  },
  90033: {
    title: 'Unknown attribute name',
    explanation: "One or more attribute names in the request are not among this app's push attribute names.",
    action:
      "Check the attribute names for typos and use only names from the app's attribute list (shown on this page and in the Chat console).",
    handling: 'permanent',
  },
  90035: {
    title: 'Attribute belongs to the other ID type',
    explanation:
      'The attribute is set up for the other kind of ID: it was defined for RegistrationIDs and a user ID was given, or the other way round.',
    action:
      "Use the kind of ID the attribute was defined for; an attribute's ID type cannot be changed once it is set.",
    handling: 'permanent',
  },
  91000: {
    title: 'Push service internal error',
    explanation: 'The push service had a temporary internal problem.',
    action: 'Nothing to do: the console retries automatically. If it keeps happening, contact Tencent Cloud support.',
    handling: 'retry',
  },

  // §4b — common REST codes
  60002: {
    title: 'Request address could not be parsed',
    explanation: 'The Chat service could not understand the address this console sent the request to.',
    action: `Ask ${OWNER} to check TIM_BASE_URL (if set it must be only the server address) and TIM_REGION. If they are correct, report it to the console maintainers.`,
    handling: 'fatal',
  },
  60003: {
    title: 'Request body could not be parsed',
    explanation: 'The Chat service could not read the contents of the request this console sent.',
    action: CONSOLE_FAULT,
    handling: 'fatal',
  },
  60004: {
    title: 'Account or signature error',
    explanation:
      "The Chat service rejected the admin account or the console's signature (UserSig) on the request.",
    action:
      `The console creates a new signature and tries once more. If it happens again the run stops: ask ${OWNER} to check TIM_ADMIN_IDENTIFIER, TIM_SDKAPPID and TIM_SECRET_KEY.`,
    handling: 'renew-usersig',
  },
  60005: {
    title: 'Account or signature check failed',
    explanation:
      "The Chat service could not verify the admin account or the console's signature (UserSig) on the request.",
    action:
      `The console creates a new signature and tries once more. If it happens again the run stops: ask ${OWNER} to check TIM_ADMIN_IDENTIFIER, TIM_SDKAPPID and TIM_SECRET_KEY.`,
    handling: 'renew-usersig',
  },
  60006: {
    title: 'Invalid SDKAppID',
    explanation: 'The Chat service does not recognise the app ID (SDKAppID) this console is configured with.',
    action: `Ask ${OWNER} to check TIM_SDKAPPID against the app's SDKAppID in the Chat console, and TIM_REGION.`,
    handling: 'fatal',
  },
  60007: {
    title: 'API call rate limit reached',
    explanation: 'Requests were sent faster than the Chat service allows; no user failed because of this.',
    action:
      `Nothing to do for this run: the console slows down and retries. If it happens often, ask ${OWNER} to lower TIM_MAX_QPS, or raise the quota in the Chat console.`,
    handling: 'rate-limited',
  },
  60008: {
    title: 'Service timed out',
    explanation: 'The Chat service took too long to handle the request.',
    action: 'Nothing to do: the console retries automatically. If it keeps happening, contact Tencent Cloud support.',
    handling: 'retry',
  },
  60009: {
    title: 'Wrong API path',
    explanation: 'The request reached the Chat service at a path it does not know.',
    action: `Ask ${OWNER} to check TIM_BASE_URL: if set, it must be only the server address, without a path.`,
    handling: 'fatal',
  },
  60010: {
    title: 'App admin permission required',
    explanation: 'The account this console signs its requests with does not have App admin permission.',
    action: `Ask ${OWNER} to set TIM_ADMIN_IDENTIFIER to an App admin account of this app (admins are listed in the Chat console).`,
    handling: 'fatal',
  },
  60011: {
    title: 'App request rate limit reached',
    explanation: 'This app sent more requests per second than its limit allows; no user failed because of this.',
    action:
      `Nothing to do for this run: the console slows down and retries. If it happens often, ask ${OWNER} to lower TIM_MAX_QPS, or check whether other systems use the same app at the same time.`,
    handling: 'rate-limited',
  },
  60012: {
    title: 'SDKAppID missing from the request',
    explanation: 'The request reached the Chat service without an app ID (SDKAppID).',
    action: `Ask ${OWNER} to check that TIM_SDKAPPID is set. If it is, report it to the console maintainers.`,
    handling: 'fatal',
  },
  60013: {
    title: 'Service could not build its reply',
    explanation: 'The Chat service had a problem producing its answer to the request.',
    action: 'Nothing to do: the console retries automatically. If it keeps happening, contact Tencent Cloud support.',
    handling: 'retry',
  },
  60014: {
    title: 'Account check timed out',
    explanation: 'The Chat service took too long to check the accounts in the request.',
    action: 'Nothing to do: the console retries automatically. If it keeps happening, contact Tencent Cloud support.',
    handling: 'retry',
  },
  60015: {
    title: 'Account field has the wrong type',
    explanation: 'The Chat service expected an account ID as text but received something else.',
    action: CONSOLE_FAULT,
    handling: 'fatal',
  },
  60016: {
    title: 'App is disabled',
    explanation: 'The Chat service has disabled this app (SDKAppID), so it accepts no requests for it.',
    action: "Check the app's status and billing in the Tencent Cloud Chat console, or contact Tencent Cloud support.",
    handling: 'fatal',
  },
  60017: {
    title: 'Request is disabled',
    explanation: 'The Chat service has disabled this kind of request for this app.',
    action: "Check the app's status in the Tencent Cloud Chat console, or contact Tencent Cloud support.",
    handling: 'fatal',
  },
  60018: {
    title: 'Too many requests',
    explanation: 'The Chat service asked the console to send requests less often; no user failed because of this.',
    action:
      `Nothing to do for this run: the console waits and retries. If it happens often, ask ${OWNER} to lower TIM_MAX_QPS.`,
    handling: 'rate-limited',
  },
  60019: {
    title: 'Request rate too high',
    explanation: 'The Chat service said requests are too frequent and to try again later; no user failed because of this.',
    action:
      `Nothing to do for this run: the console waits and retries. If it happens often, ask ${OWNER} to lower TIM_MAX_QPS.`,
    handling: 'rate-limited',
  },
  60020: {
    title: 'Chat package expired or unpaid',
    explanation: "The app's Chat package has expired or the account is in arrears, so the service is unavailable.",
    action: 'Renew the package or settle the bill in the Tencent Cloud console, then start the run again.',
    handling: 'fatal',
  },
  60021: {
    title: 'Server IP address not allowed',
    explanation: "The IP address of this console's server is not on the app's allowlist.",
    action: "Add the console server's IP address to the app's IP allowlist in the Chat console, then start the run again.",
    handling: 'fatal',
  },
  60025: {
    title: 'Invalid connection parameters',
    explanation:
      'The Chat service rejected the app ID, admin account, signature or content type sent with the request.',
    action: `Ask ${OWNER} to check TIM_SDKAPPID (a number) and TIM_ADMIN_IDENTIFIER. If they are correct, report it to the console maintainers.`,
    handling: 'fatal',
  },
  60026: {
    title: 'Wrong region for this app',
    explanation: "The console is talking to a Chat data center in a different region from the one where this app was created.",
    action: `Ask ${OWNER} to set TIM_REGION to the app's region (shown in the Chat console), and check TIM_BASE_URL if it is set.`,
    handling: 'fatal',
  },

  // §4c — account / auth codes
  70001: {
    title: 'Signature expired',
    explanation: "The console's signature (UserSig) for the admin account had expired.",
    action:
      `The console creates a new signature and tries once more. If it happens again the run stops: ask ${OWNER} to check that the server clock is correct.`,
    handling: 'renew-usersig',
  },
  70003: {
    title: 'Signature invalid',
    explanation: "The Chat service could not read the console's signature (UserSig); it may have been cut short.",
    action:
      `The console creates a new signature and tries once more. If it happens again the run stops: ask ${OWNER} to check TIM_SECRET_KEY and TIM_SDKAPPID.`,
    handling: 'renew-usersig',
  },
  70009: {
    title: 'Secret key does not match',
    explanation: "The console's signature was made with a secret key that does not belong to this app.",
    action: `Ask ${OWNER} to check TIM_SECRET_KEY: it must be the secret key of the app named in TIM_SDKAPPID.`,
    handling: 'fatal',
  },
  70013: {
    title: 'Admin account does not match signature',
    explanation: 'The admin account named on the request is not the one the signature was made for.',
    action: `Ask ${OWNER} to check TIM_ADMIN_IDENTIFIER and restart the console. If it keeps happening, report it to the console maintainers.`,
    handling: 'fatal',
  },
  70014: {
    title: 'App ID does not match signature',
    explanation: 'The app ID (SDKAppID) on the request is not the one the signature was made for.',
    action: `Ask ${OWNER} to check TIM_SDKAPPID and restart the console. If it keeps happening, report it to the console maintainers.`,
    handling: 'fatal',
  },
  70016: {
    title: 'Secret key not found for this app',
    explanation: 'The Chat service has no secret key for this app ID in the region the console is talking to.',
    action: `Ask ${OWNER} to check TIM_SDKAPPID and that TIM_REGION is the region where the app was created.`,
    handling: 'fatal',
  },
  70020: {
    title: 'App not found',
    explanation: 'The Chat service does not know this app ID (SDKAppID) in the region the console is talking to.',
    action: `Ask ${OWNER} to check TIM_SDKAPPID and that TIM_REGION is the region where the app was created.`,
    handling: 'fatal',
  },
  70050: {
    title: 'Signature rejected and calls blocked',
    explanation:
      "The console's signature failed verification too often, so the Chat service is temporarily refusing its requests.",
    action: `Ask ${OWNER} to fix TIM_SECRET_KEY and TIM_SDKAPPID, then wait at least one minute before starting the run again.`,
    handling: 'fatal',
  },
  70051: {
    title: 'Account is blocklisted',
    explanation: "This account is on the app's blocklist, so its attributes cannot be changed.",
    action:
      'If the block is no longer wanted, lift it in the Chat console and retry this user; otherwise remove the account from your list.',
    handling: 'permanent',
  },
  70107: {
    title: 'Account not found',
    explanation: "This user ID or RegistrationID does not exist in the app's Chat accounts (it was never imported).",
    action: 'Check the ID for typos. Import the account in the Chat console, or remove it from your list.',
    handling: 'permanent',
  },
  70169: {
    title: 'Server timed out',
    explanation: 'The Chat service timed out internally while handling the request.',
    action: 'Nothing to do: the console retries automatically. If it keeps happening, contact Tencent Cloud support.',
    handling: 'retry',
  },
  70402: {
    title: 'Invalid request parameters',
    explanation: 'The Chat service rejected a value in the request for this user.',
    action:
      'Check the ID and the attribute names for unusual characters. If they look correct, report it to the console maintainers with the run ID.',
    handling: 'permanent',
  },
  70403: {
    title: 'Account service requires an App admin',
    explanation: 'The account this console signs its requests with does not have App admin permission.',
    action: `Ask ${OWNER} to set TIM_ADMIN_IDENTIFIER to an App admin account of this app (admins are listed in the Chat console).`,
    handling: 'fatal',
  },
  70500: {
    title: 'Server internal error',
    explanation: 'The Chat service had a temporary internal problem.',
    action: 'Nothing to do: the console retries automatically. If it keeps happening, contact Tencent Cloud support.',
    handling: 'retry',
  },
} as const satisfies Readonly<Record<number, EntryText>>;

const TIM_TABLE: Readonly<Record<number, EntryText>> = TIM_CATALOGUE;

export const TIM_ERROR_CODES: readonly number[] = Object.freeze(
  Object.keys(TIM_TABLE)
    .map(Number)
    .sort((a, b) => a - b),
);

interface TransportText {
  readonly title: string;
  /** Receives the caller's detail already cleaned, or null when none was given. */
  readonly explanation: (detail: string | null) => string;
  readonly action: string;
  readonly handling: Handling;
}

const withDetail = (detail: string | null): string => (detail === null ? '' : ` (${detail})`);

const TRANSPORT_CATALOGUE: Readonly<Record<TransportFailure, TransportText>> = {
  timeout: {
    title: 'No answer in time',
    explanation: (d) => `The Chat service did not answer within the configured time${withDetail(d)}.`,
    action:
      `Nothing to do: the console retries automatically. If it keeps happening, ask ${OWNER} to check the network to the Chat service or raise TIM_TIMEOUT_MS.`,
    handling: 'retry',
  },
  network: {
    title: 'Could not reach the Chat service',
    explanation: (d) =>
      `The connection to the Chat service failed${withDetail(d)}: it was refused or reset, or the server name could not be found. Check TIM_REGION, TIM_BASE_URL and the network.`,
    action:
      `Nothing to do at first: the console retries automatically. If it keeps happening, ask ${OWNER} to check TIM_REGION, TIM_BASE_URL (if set) and the server's network and DNS.`,
    handling: 'retry',
  },
  'http-5xx': {
    title: 'Chat service gateway error',
    explanation: (d) => `A gateway or server in front of the Chat service reported an error${withDetail(d)}.`,
    action: 'Nothing to do: the console retries automatically. If it keeps happening, contact Tencent Cloud support.',
    handling: 'retry',
  },
  'http-status': {
    title: 'Unexpected reply status',
    explanation: (d) =>
      `The Chat service answered with an unexpected status${withDetail(d)}. This usually means the console is pointed at the wrong server.`,
    action: `Ask ${OWNER} to check TIM_BASE_URL (if set) and TIM_REGION, then start the run again.`,
    handling: 'fatal',
  },
  'bad-response': {
    title: 'Unreadable reply',
    explanation: (d) => `The reply from the Chat service was not in the expected format${withDetail(d)}.`,
    action:
      `Nothing to do: the console retries automatically. If it keeps happening, ask ${OWNER} to check that TIM_BASE_URL (if set) points at the Chat service.`,
    handling: 'retry',
  },
};

/** Why the console itself stopped a run before sending: its app is no longer the one it was started on. */
export type AppFailure = 'removed' | 'changed';

const APP_CATALOGUE: Readonly<Record<AppFailure, TransportText>> = {
  removed: {
    title: "The run's app is no longer configured",
    explanation: (d) => `This run belongs to app ${d ?? 'that was removed'}, which is no longer in this console's configuration, so nothing more was sent.`,
    action: `Ask ${OWNER} to add the app back to TIM_APPS_FILE (same id and SDKAppID), then retry the users that were not sent.`,
    handling: 'fatal',
  },
  changed: {
    title: "The run's app now has another SDKAppID",
    explanation: (d) => `The app this run belongs to is now configured with a different SDKAppID${withDetail(d)}. A run stays with the SDKAppID it was started on, so nothing more was sent.`,
    action: `Ask ${OWNER} to check TIM_APPS_FILE: give the other SDKAppID its own app id, then start a new run there if that is what you meant.`,
    handling: 'fatal',
  },
};

export function describeAppFailure(kind: AppFailure, detail?: string): CatalogueEntry {
  const text = APP_CATALOGUE[kind];
  const cleaned = detail === undefined ? '' : cleanFreeText(detail);
  return {
    key: `app.${kind}`,
    code: null,
    title: text.title,
    explanation: text.explanation(cleaned === '' ? null : cleaned),
    action: text.action,
    handling: text.handling,
  };
}

const MAX_FREE_TEXT = 200;

/**
 * Server ErrorInfo and caller-supplied details end up in the UI, logs and exported CSV. The request
 * URL carries the UserSig, so anything that looks like an address or a query parameter is masked;
 * control characters are dropped so the text stays on one plain line.
 */
function cleanFreeText(text: string): string {
  const masked = text
    .replace(/[a-z][a-z0-9+.-]*:\/\/\S*/gi, '[address hidden]')
    .replace(/[?&]?\b(?:usersig|identifier|sdkappid|random|contenttype)=[^&\s]*/gi, '[parameter hidden]')
    .replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  // Array.from counts code points, so truncation never splits a surrogate pair.
  const chars = Array.from(masked);
  return chars.length > MAX_FREE_TEXT ? `${chars.slice(0, MAX_FREE_TEXT).join('')}…` : masked;
}

export function describeTimError(code: number, errorInfo?: string): CatalogueEntry {
  const known = Number.isInteger(code) && Object.hasOwn(TIM_TABLE, code) ? TIM_TABLE[code] : undefined;
  if (known !== undefined) {
    return { key: String(code), code, ...known };
  }
  const info = errorInfo === undefined ? '' : cleanFreeText(errorInfo);
  return {
    key: String(code),
    code,
    title: 'Unrecognised error',
    explanation:
      `The Chat service returned error code ${String(code)}, which this console does not know. ` +
      (info === '' ? 'It gave no description.' : `Its description: "${info}".`),
    action:
      'Look the code up in the Tencent Cloud Chat error code list. If it keeps happening, contact Tencent Cloud support with the code.',
    // Unknown means we cannot claim a retry would help; failing just this user/batch keeps the run going.
    handling: 'permanent',
  };
}

export function describeTransportFailure(kind: TransportFailure, detail?: string): CatalogueEntry {
  const text = TRANSPORT_CATALOGUE[kind];
  const cleaned = detail === undefined ? '' : cleanFreeText(detail);
  return {
    key: `transport.${kind}`,
    code: null,
    title: text.title,
    explanation: text.explanation(cleaned === '' ? null : cleaned),
    action: text.action,
    handling: text.handling,
  };
}
