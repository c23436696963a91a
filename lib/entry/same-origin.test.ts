import { describe, expect, it } from 'vitest';
import { mediaType, sameOriginOrNoBrowser } from './same-origin';

const headers = (h: Record<string, string>) => new Headers(h);

describe('sameOriginOrNoBrowser', () => {
  it("lets the console's own pages through", () => {
    expect(sameOriginOrNoBrowser(headers({ host: '127.0.0.1:3000', origin: 'http://127.0.0.1:3000', 'sec-fetch-site': 'same-origin' }))).toBe(true);
    expect(sameOriginOrNoBrowser(headers({ host: 'Console.Example.com', origin: 'https://console.example.com' }))).toBe(true);
  });

  it('refuses another port of the same host, a sibling subdomain and an opaque origin', () => {
    expect(sameOriginOrNoBrowser(headers({ host: '127.0.0.1:3000', origin: 'http://127.0.0.1:3001' }))).toBe(false);
    expect(sameOriginOrNoBrowser(headers({ host: 'console.example.com', origin: 'https://evil.example.com' }))).toBe(false);
    expect(sameOriginOrNoBrowser(headers({ host: 'console.example.com', origin: 'null' }))).toBe(false);
    expect(sameOriginOrNoBrowser(headers({ host: 'console.example.com', origin: 'file:///x.html' }))).toBe(false);
  });

  it('refuses on Sec-Fetch-Site alone, whatever the Origin says', () => {
    for (const site of ['same-site', 'cross-site', 'none']) {
      expect(sameOriginOrNoBrowser(headers({ host: 'a.example.com', 'sec-fetch-site': site })), site).toBe(false);
      expect(sameOriginOrNoBrowser(headers({ host: 'a.example.com', origin: 'https://a.example.com', 'sec-fetch-site': site })), site).toBe(false);
    }
  });

  it('compares with the host a reverse proxy forwarded', () => {
    const behindProxy = { host: '10.0.0.5:3000', 'x-forwarded-host': 'console.example.com, inner' };
    expect(sameOriginOrNoBrowser(headers({ ...behindProxy, origin: 'https://console.example.com' }))).toBe(true);
    expect(sameOriginOrNoBrowser(headers({ ...behindProxy, origin: 'http://10.0.0.5:3000' }))).toBe(false);
  });

  it('refuses an Origin when the request names no host at all', () => {
    expect(sameOriginOrNoBrowser(headers({ origin: 'http://127.0.0.1:3000' }))).toBe(false);
  });

  it('lets a request with neither header through: no browser sent it', () => {
    expect(sameOriginOrNoBrowser(headers({ host: '127.0.0.1:3000' }))).toBe(true);
  });
});

describe('mediaType', () => {
  it('drops parameters and case', () => {
    expect(mediaType('Application/JSON; charset=utf-8')).toBe('application/json');
    expect(mediaType('text/plain')).toBe('text/plain');
    expect(mediaType(null)).toBe('');
  });
});
