import 'server-only';

/** Brute force: this many failures for a username, or from an address, within the window lock it out. */
export const LOCKOUT_FAILURES = 5;
export const LOCKOUT_WINDOW_MS = 15 * 60_000;
