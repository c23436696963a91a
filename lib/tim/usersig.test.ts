import { describe, expect, it } from 'vitest';
import { inflateSync } from 'node:zlib';
import { createHmac } from 'node:crypto';
import { genUserSig } from './usersig';
import { createUserSigCache, USERSIG_LIFETIME_SECONDS, USERSIG_RENEW_BEFORE_SECONDS } from './usersig-cache';

function decode(sig: string): Record<string, unknown> {
  const b64 = sig.replace(/\*/g, '+').replace(/-/g, '/').replace(/_/g, '=');
  return JSON.parse(inflateSync(Buffer.from(b64, 'base64')).toString('utf8'));
}

// Test vector from tim-api-facts.md §5.
const VECTOR = {
  sdkAppId: 1400000000,
  secretKey: 'test-secret-key',
  identifier: 'administrator',
  expireSeconds: 86400,
  nowMs: 1700000000 * 1000,
};

describe('genUserSig', () => {
  it('matches the fact sheet test vector once decoded', () => {
    const doc = decode(genUserSig(VECTOR));
    expect(doc).toEqual({
      'TLS.ver': '2.0',
      'TLS.identifier': 'administrator',
      'TLS.sdkappid': 1400000000,
      'TLS.time': 1700000000,
      'TLS.expire': 86400,
      'TLS.sig': 'XWlzAVufCDf/xBqHPaqKD4IaA/yjced5hDMnZsloN7I=',
    });
    expect(Object.keys(doc)).toEqual(['TLS.ver', 'TLS.identifier', 'TLS.sdkappid', 'TLS.time', 'TLS.expire', 'TLS.sig']);
  });

  it('carries an HMAC that an independent recomputation agrees with', () => {
    const doc = decode(genUserSig({ ...VECTOR, identifier: 'ops-admin', nowMs: 1_750_000_123_456 }));
    const input = 'TLS.identifier:ops-admin\nTLS.sdkappid:1400000000\nTLS.time:1750000123\nTLS.expire:86400\n';
    expect(doc['TLS.sig']).toBe(createHmac('sha256', 'test-secret-key').update(input).digest('base64'));
  });

  it('uses only the URL-safe alphabet of the service (* - _ instead of + / =)', () => {
    const sig = genUserSig(VECTOR);
    expect(sig).toMatch(/^[A-Za-z0-9*\-_]+$/);
  });
});

describe('createUserSigCache', () => {
  it('reuses the sig, renews it before expiry, and renews on demand', () => {
    let now = 1_700_000_000_000;
    const cache = createUserSigCache({
      sdkAppId: 1400000000,
      identifier: 'administrator',
      secretKey: () => 'k',
      now: () => now,
    });
    const first = cache.current();
    now += 1000;
    expect(cache.current()).toBe(first);

    now += (USERSIG_LIFETIME_SECONDS - USERSIG_RENEW_BEFORE_SECONDS) * 1000;
    const renewed = cache.current();
    expect(renewed).not.toBe(first);
    expect(decode(renewed)['TLS.time']).toBe(Math.floor(now / 1000));

    now += 5000;
    expect(cache.renew()).not.toBe(renewed);
  });
});
