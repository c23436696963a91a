import { describe, expect, it } from 'vitest';
import { clientAddress, forwardedHttps } from './client-address';

describe('clientAddress', () => {
  it('ignores the header when no proxy is trusted', () => {
    expect(clientAddress('203.0.113.7', 0)).toBeNull();
    expect(clientAddress(null, 1)).toBeNull();
    expect(clientAddress('', 1)).toBeNull();
  });

  it('takes the entry the outermost trusted proxy appended, not what the client sent', () => {
    expect(clientAddress('203.0.113.7', 1)).toBe('203.0.113.7');
    expect(clientAddress('6.6.6.6, 203.0.113.7', 1)).toBe('203.0.113.7');
    expect(clientAddress('6.6.6.6,203.0.113.7 , 10.0.0.2', 2)).toBe('203.0.113.7');
  });

  it('is unknown when there are fewer entries than trusted proxies', () => {
    expect(clientAddress('10.0.0.2', 2)).toBeNull();
  });

  it('refuses anything that is not an IP address', () => {
    expect(clientAddress('evil', 1)).toBeNull();
    expect(clientAddress('203.0.113.7:4431', 1)).toBeNull();
    expect(clientAddress('<script>', 1)).toBeNull();
    expect(clientAddress('203.0.113.7, ', 1)).toBeNull();
    expect(clientAddress('1.2.3.4 5.6.7.8', 1)).toBeNull();
  });

  it('accepts IPv6', () => {
    expect(clientAddress('2001:db8::1', 1)).toBe('2001:db8::1');
    expect(clientAddress('2001:db8::1, ::ffff:10.0.0.2', 2)).toBe('2001:db8::1');
    expect(clientAddress('[2001:db8::1]:443', 1)).toBeNull();
  });
});

describe('forwardedHttps', () => {
  it('ignores X-Forwarded-Proto when no proxy is trusted', () => {
    expect(forwardedHttps('https', 0)).toBe(false);
  });

  it('believes a trusted proxy that says https, and only that', () => {
    expect(forwardedHttps('https', 1)).toBe(true);
    expect(forwardedHttps(' HTTPS ', 2)).toBe(true);
    expect(forwardedHttps('http', 1)).toBe(false);
    expect(forwardedHttps(null, 1)).toBe(false);
    expect(forwardedHttps('https-ish', 1)).toBe(false);
  });
});
