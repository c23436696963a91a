import { describe, expect, it } from 'vitest';
import { sealToken, SESSION_COOKIE } from '../auth/cookie';
import { bodyGate, MAX_BODY_BYTES, MAX_SIGN_IN_BODY_BYTES, refusalResponse, signedCaller, signedSession } from './body-gate';

const SECRET = 'a-session-secret-for-the-body-gate-test';
const gate = (method: string, pathname: string, headers: Record<string, string>, signedIn = false) => bodyGate({ method, pathname, headers: new Headers(headers), signedIn });

describe('bodyGate', () => {
  it('lets every GET and HEAD through: they carry no body to hold', () => {
    expect(gate('GET', '/remove', {})).toBeNull();
    expect(gate('HEAD', '/api/runs', {})).toBeNull();
  });

  it('refuses any other anonymous body, whatever the path, method or override header', () => {
    for (const [method, path] of [['POST', '/remove'], ['PUT', '/login'], ['DELETE', '/api/runs'], ['POST', '/login/'], ['POST', '/api/uploads'], ['PATCH', '/']]) {
      expect(gate(method!, path!, { 'x-http-method-override': 'GET', 'content-length': '10' }), `${method} ${path}`).toEqual({ status: 401, code: 'request.signInFirst' });
    }
  });

  it("takes anyone's sign-in, by script or as a plain form, up to 16 KB", () => {
    expect(gate('POST', '/login', { 'next-action': 'x', 'content-length': '300' })).toBeNull();
    expect(gate('POST', '/login', { 'content-type': 'multipart/form-data; boundary=b', 'content-length': String(MAX_SIGN_IN_BODY_BYTES) })).toBeNull();
    expect(gate('POST', '/login', { 'content-type': 'multipart/form-data; boundary=b', 'content-length': String(MAX_SIGN_IN_BODY_BYTES + 1) })).toMatchObject({ status: 413, params: { limit: '16 KB' } });
    expect(gate('POST', '/login', { 'content-type': 'application/x-www-form-urlencoded', 'content-length': '30' })).toMatchObject({ status: 401 });
    expect(gate('POST', '/login', { 'next-action': 'x', 'transfer-encoding': 'chunked' })).toMatchObject({ status: 411 });
  });

  it('holds a signed-in body to 1 MB with a declared length, but leaves the streaming upload alone', () => {
    expect(gate('POST', '/remove', { 'content-length': String(MAX_BODY_BYTES) }, true)).toBeNull();
    expect(gate('POST', '/remove', { 'content-length': String(MAX_BODY_BYTES + 1) }, true)).toMatchObject({ status: 413, params: { limit: '1 MB' } });
    expect(gate('POST', '/remove', { 'transfer-encoding': 'chunked' }, true)).toMatchObject({ status: 411 });
    expect(gate('POST', '/api/uploads', { 'content-length': String(1024 * MAX_BODY_BYTES) }, true)).toBeNull();
  });
});

describe('the token API', () => {
  const bearer = (secret: string) => `Bearer ${sealToken('timc_' + 'r'.repeat(43), secret)}`;
  const caller = (headers: Record<string, string>, path = '/api/v1/runs') => signedCaller(path, new Headers(headers), SECRET);

  it('believes a bearer token this console signed on /api/v1, and never the session cookie there', () => {
    expect(caller({ authorization: bearer(SECRET) })).toBe(true);
    expect(caller({ authorization: bearer('another-secret-another-secret-00') })).toBe(false);
    expect(caller({ authorization: 'Bearer timc_made.up' })).toBe(false);
    expect(caller({ cookie: `${SESSION_COOKIE}=${sealToken('t', SECRET)}` })).toBe(false);
    expect(caller({ authorization: bearer(SECRET) }, '/remove')).toBe(false);
    expect(caller({ cookie: `${SESSION_COOKIE}=${sealToken('t', SECRET)}` }, '/remove')).toBe(true);
  });

  it('refuses a body without a signed token as problem JSON, saying whether a token came at all', () => {
    expect(gate('POST', '/api/v1/runs', { 'content-length': '10' })).toEqual({ status: 401, code: 'api.tokenMissing' });
    expect(gate('POST', '/api/v1/runs', { 'content-length': '10', authorization: 'Bearer timc_x.y' })).toEqual({ status: 401, code: 'api.tokenInvalid' });
    expect(gate('POST', '/api/v1/runs', { 'content-length': String(MAX_BODY_BYTES + 1) }, true)).toMatchObject({ status: 413 });
    expect(gate('POST', '/api/v1/uploads', { 'transfer-encoding': 'chunked' }, true)).toBeNull();
    expect(gate('POST', '/api/v1/uploads', { 'transfer-encoding': 'chunked' })).toEqual({ status: 401, code: 'api.tokenMissing' });
    const out = refusalResponse({ status: 401, code: 'api.tokenMissing' }, { pathname: '/api/v1/runs', search: '' }, new Headers({ 'accept-language': 'zh-CN' }));
    expect(out.headers).toMatchObject({ 'content-type': 'application/problem+json', 'www-authenticate': 'Bearer' });
    expect(JSON.parse(out.text)).toMatchObject({ status: 401, code: 'api.tokenMissing', detail: expect.stringMatching(/令牌/) });
  });
});

describe('signedSession', () => {
  it('believes only our own signature, among other cookies', () => {
    expect(signedSession(`a=1; ${SESSION_COOKIE}=${sealToken('t', SECRET)}; b=2`, SECRET)).toBe(true);
    expect(signedSession(`${SESSION_COOKIE}=${sealToken('t', 'another-secret-another-secret-00')}`, SECRET)).toBe(false);
    expect(signedSession(`${SESSION_COOKIE}=forged.signature`, SECRET)).toBe(false);
    expect(signedSession(null, SECRET)).toBe(false);
  });
});

describe('refusalResponse', () => {
  it('answers an API in JSON, and sends a refused action to sign in, in the browser’s language', () => {
    const api = refusalResponse({ status: 401, code: 'request.signInFirst' }, { pathname: '/api/runs', search: '' }, new Headers());
    expect(JSON.parse(api.text)).toEqual({ code: 'request.signInFirst', error: 'Sign in first.' });
    const action = refusalResponse({ status: 401, code: 'request.signInFirst' }, { pathname: '/remove', search: '?x=1' }, new Headers({ 'next-action': 'id', 'accept-language': 'zh-CN' }));
    expect(action.headers).toEqual({ 'content-type': 'text/plain; charset=utf-8', 'x-action-redirect': '/login?next=%2Fremove%3Fx%3D1' });
    expect(action.text).toBe('请先登录。');
  });
});
