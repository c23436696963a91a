import type { AppError } from '../errors';

/** The HTTP status of each refusal a route answers with (400 for any other). */
export const HTTP_STATUS: Partial<Record<AppError['code'], number>> = {
  'run.notFound': 404,
  'upload.notFound': 404,
  'upload.expired': 410,
  'auth.signedOut': 401,
  'auth.forbidden': 403,
  'request.crossOrigin': 403,
  'request.mediaType': 415,
  'csv.tooLarge': 413,
  'csv.tooManyRows': 413,
  'upload.busy': 429,
  'upload.operatorBusy': 429,
  'upload.stalled': 408,
  'upload.tooManyStaged': 409,
  'run.stillRunning': 409,
  'restore.nothing': 409,
  'restore.purged': 410,
  'worker.standby': 503,
  'api.tokenMissing': 401,
  'api.tokenInvalid': 401,
  'api.tokenExpired': 401,
  'api.rateLimited': 429,
  'api.notFound': 404,
  'tokens.notFound': 404,
  'tokens.nameTaken': 409,
};
