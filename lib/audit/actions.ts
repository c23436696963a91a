import 'server-only';

export const AUDIT_ACTIONS = [
  'sign-in',
  'sign-in-failed',
  'sign-in-refused',
  'sign-in-unknown',
  'sign-out',
  'operator-added',
  'operator-disabled',
  'operator-enabled',
  'operator-role-changed',
  'password-reset',
  'operator-unlocked',
  'run-started',
  'run-cancelled',
  'run-retried',
  'check-started',
  'restore-started',
  'values-purged',
  'export',
  'purge',
  'token-created',
  'token-revoked',
  'api-call',
  'webhook-added',
  'webhook-removed',
] as const;

/** The span one counted row covers. */
export const AUDIT_COUNT_WINDOW_MS = 60_000;
/** How many names a counted row keeps, as examples of what was tried. */
export const AUDIT_COUNT_NAMES = 5;
