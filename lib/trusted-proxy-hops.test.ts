import { describe, expect, it } from 'vitest';
import { trustedProxyHops } from './trusted-proxy-hops';

describe('trustedProxyHops (what proxy.ts reads)', () => {
  it('reads the number config.ts accepts', () => {
    expect(trustedProxyHops('2')).toBe(2);
    expect(trustedProxyHops(' 10 ')).toBe(10);
  });

  it('trusts no proxy when unset, empty or invalid', () => {
    for (const raw of [undefined, '', '0', '11', '-1', '1.5', 'one', '1e1']) expect(trustedProxyHops(raw), String(raw)).toBe(0);
  });
});
