import { CSV_FATAL_CODES } from './csv/validate';

/**
 * What every use case answers: a value, or an error with a stable code (a key of the message
 * catalogue's `errors`, or for `csv.*` of its `csv`) and the parameters its words need. lib never
 * returns the words.
 */
export const ERROR_CODES = [
  'auth.signedOut',
  'auth.forbidden',
  'auth.lockedOut',
  'auth.badCredentials',
  'auth.busy',
  'operators.exists',
  'operators.notFound',
  'operators.self',
  'input.invalid',
  'request.signInFirst',
  'request.lengthRequired',
  'request.tooLarge',
  'request.crossOrigin',
  'request.mediaType',
  'worker.standby',
  'app.unknown',
  'app.attrsChanged',
  'app.attrsUnknown',
  'app.attrsUnavailable',
  'app.typeNameToConfirm',
  ...CSV_FATAL_CODES,
  'csv.noValidRows',
  'upload.notFound',
  'upload.expired',
  'upload.picksNeeded',
  'upload.busy',
  'upload.operatorBusy',
  'upload.stalled',
  'upload.tooManyStaged',
  'upload.aborted',
  'upload.empty',
  'run.notFound',
  'run.notRunning',
  'run.formRun',
  'run.stillRunning',
  'run.nothingToRetry',
  'run.notACheck',
  'run.retryRestore',
  'restore.notARemoval',
  'restore.purged',
  'restore.nothing',
  'tokens.nameTaken',
  'tokens.notFound',
  'api.tokenMissing',
  'api.tokenInvalid',
  'api.tokenExpired',
  'api.rateLimited',
  'api.notFound',
  'api.json',
  'api.idempotencyKey',
  'api.idempotencyMismatch',
  'api.idempotencyInProgress',
  'webhooks.url',
  'webhooks.scheme',
  'webhooks.credentials',
  'webhooks.unresolved',
  'webhooks.privateAddress',
  'webhooks.notFound',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

export interface AppError {
  code: ErrorCode;
  params?: Record<string, string | number>;
  /** Per form field, for the inputs a screen reader ties them to. */
  fields?: Record<string, AppError>;
}

export type Result<T> = { ok: true; value: T } | { ok: false; error: AppError };

export const ok = <T>(value: T): Result<T> => ({ ok: true, value });

export const fail = (code: ErrorCode, params?: AppError['params'], fields?: AppError['fields']): { ok: false; error: AppError } => ({
  ok: false,
  error: { code, ...(params ? { params } : {}), ...(fields ? { fields } : {}) },
});
