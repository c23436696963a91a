import { createHmac } from 'node:crypto';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Api } from 'tls-sig-api-v2';
import { decodeUserSig, hmacInput, verifyUserSig } from './usersig';

// Test vector from /work/shared/tim-api-facts.md §5.
const VECTOR_SIG =
  'eJyrVgrxCdYrSy1SslIy0jNQ0gHzM1NS80oy0zLBwokpuZl5mcUlRYkl*UVQBcUp2YkFBZkpSlaGJgZQAJEpycxNVbIyNEcVTa0oyCxKVbKyMDOBCRVnpitZKUWE51Q5hpWmObuk6Vc4FXoEJBZ6u5h4JjrqV2Ylp6aYZrj45kUV5*T7mXvaKtUCAL4xNG0_';
const VECTOR = {
  sdkAppId: 1400000000,
  secretKey: 'test-secret-key',
  identifier: 'administrator',
  nowMs: 1700000000 * 1000,
};

afterEach(() => {
  vi.restoreAllMocks();
});

describe('UserSig verifier', () => {
  it('decodes the fact-sheet test vector to the documented JSON and HMAC', () => {
    const d = decodeUserSig(VECTOR_SIG);
    expect(d).toEqual({
      ver: '2.0',
      identifier: 'administrator',
      sdkappid: 1400000000,
      time: 1700000000,
      expire: 86400,
      sig: 'XWlzAVufCDf/xBqHPaqKD4IaA/yjced5hDMnZsloN7I=',
    });
    expect(hmacInput(d!)).toBe(
      'TLS.identifier:administrator\nTLS.sdkappid:1400000000\nTLS.time:1700000000\nTLS.expire:86400\n',
    );
  });

  it('accepts the test vector until TLS.time + TLS.expire and rejects it one second later', () => {
    expect(verifyUserSig(VECTOR_SIG, VECTOR)).toMatchObject({ ok: true });
    expect(verifyUserSig(VECTOR_SIG, { ...VECTOR, nowMs: (1700000000 + 86400) * 1000 })).toMatchObject({ ok: true });
    expect(verifyUserSig(VECTOR_SIG, { ...VECTOR, nowMs: (1700000000 + 86401) * 1000 })).toMatchObject({
      ok: false,
      code: 70001,
    });
  });

  it('matches what the tls-sig-api-v2 package generates with a pinned clock', () => {
    vi.spyOn(Date, 'now').mockReturnValue(VECTOR.nowMs);
    const sig = new Api(VECTOR.sdkAppId, VECTOR.secretKey).genUserSig('administrator', 86400);
    expect(decodeUserSig(sig)).toEqual(decodeUserSig(VECTOR_SIG));
    expect(verifyUserSig(sig, VECTOR)).toMatchObject({ ok: true });
  });

  it('reports each failure with its TIM error code', () => {
    const now = Date.now();
    const sig = new Api(1400000001, 'k1').genUserSig('admin', 3600);
    const base = { sdkAppId: 1400000001, secretKey: 'k1', identifier: 'admin', nowMs: now };
    expect(verifyUserSig(sig, base)).toMatchObject({ ok: true });
    expect(verifyUserSig(sig, { ...base, secretKey: 'k2' })).toMatchObject({ ok: false, code: 70009 });
    expect(verifyUserSig(sig, { ...base, identifier: 'other' })).toMatchObject({ ok: false, code: 70013 });
    expect(verifyUserSig(sig, { ...base, sdkAppId: 1400000002 })).toMatchObject({ ok: false, code: 70014 });
    expect(verifyUserSig(sig, { ...base, nowMs: now + 3601_000 })).toMatchObject({ ok: false, code: 70001 });
    expect(verifyUserSig(sig.slice(0, 40), base)).toMatchObject({ ok: false, code: 70003 });
    expect(verifyUserSig('not a sig!', base)).toMatchObject({ ok: false, code: 70003 });
    expect(verifyUserSig('', base)).toMatchObject({ ok: false, code: 70003 });
  });

  it('uses the secret key as UTF-8 text, not hex', () => {
    const hexLookingKey = 'abcdef0123456789';
    const sig = new Api(1400000001, hexLookingKey).genUserSig('admin', 60);
    const d = decodeUserSig(sig)!;
    const asText = createHmac('sha256', hexLookingKey).update(hmacInput(d)).digest('base64');
    expect(d.sig).toBe(asText);
    expect(
      verifyUserSig(sig, { sdkAppId: 1400000001, secretKey: hexLookingKey, identifier: 'admin', nowMs: Date.now() }),
    ).toMatchObject({ ok: true });
  });

  it('rejects a sig whose expire is null (package called without expire)', () => {
    // The package silently emits "TLS.expire":null when expire is omitted.
    const broken = (new Api(1400000001, 'k1') as unknown as { genUserSig(id: string): string }).genUserSig('admin');
    expect(
      verifyUserSig(broken, { sdkAppId: 1400000001, secretKey: 'k1', identifier: 'admin', nowMs: Date.now() }),
    ).toMatchObject({ ok: false, code: 70003 });
  });
});
