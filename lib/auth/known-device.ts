import { createHmac } from 'node:crypto';
import { sealToken, unsealToken } from './cookie';

/**
 * A browser that has signed in as a username carries this cookie, which says so; its next
 * sign-ins as that username get a lane of their own, which a flood from anywhere else cannot
 * fill. Signing out keeps it: it opens no session, it only lets its holder be checked first.
 */
export const KNOWN_DEVICE_COOKIE = 'tim_console_known_device';

/** Renewed at every sign-in: an operator who signs in at least monthly stays known. */
export const KNOWN_DEVICE_DAYS = 30;
const KNOWN_DEVICE_MS = KNOWN_DEVICE_DAYS * 86_400_000;

// A key of its own, derived from SESSION_SECRET: a session cookie's signature never passes for this one, nor this for a session's.
const deviceKey = (secret: string) => createHmac('sha256', secret).update('known-device cookie').digest('base64url');

const nameOf = (username: string) => Buffer.from(username.toLowerCase()).toString('base64url');

export function knownDeviceCookie(username: string, secret: string, nowMs: number): string {
  return sealToken(`${nameOf(username)}.${nowMs}`, deviceKey(secret));
}

/** Whether the cookie value was given by this console, within KNOWN_DEVICE_DAYS, for this username (in any case). */
export function isKnownDevice(value: string | undefined, username: string, secret: string, nowMs: number): boolean {
  const token = unsealToken(value, deviceKey(secret));
  if (token === null) return false;
  const [name, issuedMs] = token.split('.');
  return name === nameOf(username) && nowMs - Number(issuedMs) < KNOWN_DEVICE_MS;
}

/** Whether the cookie was given by this console within KNOWN_DEVICE_DAYS, to whichever username: all the front server can tell before the body. */
export function isAnyKnownDevice(value: string | undefined, secret: string, nowMs: number): boolean {
  const token = unsealToken(value, deviceKey(secret));
  return token !== null && nowMs - Number(token.split('.')[1]) < KNOWN_DEVICE_MS;
}
