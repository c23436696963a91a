import { describe, expect, it } from 'vitest';
import { sealToken, unsealToken } from './cookie';
import { isKnownDevice, KNOWN_DEVICE_DAYS, knownDeviceCookie } from './known-device';

const SECRET = 'k3J9vQ2xLw7ZpR4tN8bY1cF6hD0sM5gA';
const NOW = 1_800_000_000_000;
const DAY = 86_400_000;

describe('the known-device cookie', () => {
  it('names one username, in any case, for KNOWN_DEVICE_DAYS, under this SESSION_SECRET', () => {
    const cookie = knownDeviceCookie('Alice', SECRET, NOW);
    expect(isKnownDevice(cookie, 'alice', SECRET, NOW + 1)).toBe(true);
    expect(isKnownDevice(cookie, 'ALICE', SECRET, NOW + (KNOWN_DEVICE_DAYS * DAY - 1))).toBe(true);
    expect(isKnownDevice(cookie, 'alice', SECRET, NOW + KNOWN_DEVICE_DAYS * DAY)).toBe(false);
    expect(isKnownDevice(cookie, 'bob', SECRET, NOW)).toBe(false);
    expect(isKnownDevice(cookie, 'alice', `${SECRET}x`, NOW)).toBe(false);
    expect(isKnownDevice(cookie.replace(/.$/, (c) => (c === 'A' ? 'B' : 'A')), 'alice', SECRET, NOW)).toBe(false);
    expect(isKnownDevice(undefined, 'alice', SECRET, NOW)).toBe(false);
  });

  it('is never taken for a session cookie, nor a session cookie for it', () => {
    const cookie = knownDeviceCookie('alice', SECRET, NOW);
    expect(unsealToken(cookie, SECRET)).toBeNull();
    const token = Buffer.from('alice').toString('base64url');
    expect(isKnownDevice(sealToken(`${token}.${NOW}`, SECRET), 'alice', SECRET, NOW)).toBe(false);
  });
});
