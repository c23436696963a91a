import { describe, expect, it } from 'vitest';
import { ENGLISH, messagesFor } from '../messages/catalogues';
import type { ApiRun } from '../schemas/api';
import { isPublicAddress } from './address';
import { deliveryBody } from './payload';
import { openUrl, sealUrl } from './sealed-url';
import { shownUrl } from './shown-url';
import { hookSecret, sign, verify } from './signature';
import { checkUrl, resolveTarget } from './target';
import { deliveryError } from './types';

const resolvesTo = (...addresses: string[]) => ({ allowHttpLoopback: false, resolve: async () => addresses });

describe('where a webhook may go', () => {
  it('refuses private, shared, loopback, link-local, metadata, multicast and reserved addresses in every spelling', () => {
    for (const a of ['10.1.2.3', '172.20.0.1', '192.168.1.1', '100.64.0.1', '127.0.0.1', '169.254.169.254', '0.0.0.0', '224.0.0.1', '255.255.255.255', '::1', '::', 'fe80::1', 'fd00::1', '::ffff:10.0.0.1', '::ffff:7f00:1', '::ffff:169.254.169.254']) {
      expect(isPublicAddress(a), a).toBe(false);
    }
    for (const a of ['1.1.1.1', '203.205.0.1', '2606:4700:4700::1111', '::ffff:1.1.1.1']) expect(isPublicAddress(a), a).toBe(true);
  });

  it('takes https to a name whose every address is public, and pins the first', async () => {
    expect(await resolveTarget('https://hooks.example.com/x', resolvesTo('93.184.216.34', '2606:2800:220:1::1'))).toMatchObject({ ok: true, address: '93.184.216.34' });
  });

  it('refuses a name with any private address among its public ones', async () => {
    expect(await resolveTarget('https://rebind.example.com/x', resolvesTo('93.184.216.34', '10.0.0.5'))).toEqual({ ok: false, refusal: 'webhooks.privateAddress' });
    expect(await resolveTarget('https://[::1]:8443/x', resolvesTo('::1'))).toEqual({ ok: false, refusal: 'webhooks.privateAddress' });
    expect(await resolveTarget('https://169.254.169.254/latest', resolvesTo('169.254.169.254'))).toEqual({ ok: false, refusal: 'webhooks.privateAddress' });
  });

  it('refuses http, credentials and names that do not resolve; http only to loopback, only when allowed', async () => {
    expect(checkUrl('http://hooks.example.com/x', { allowHttpLoopback: false })).toEqual({ ok: false, refusal: 'webhooks.scheme' });
    expect(checkUrl('https://user:pw@hooks.example.com/x', { allowHttpLoopback: false })).toEqual({ ok: false, refusal: 'webhooks.credentials' });
    expect(checkUrl('ftp://hooks.example.com/x', { allowHttpLoopback: true })).toEqual({ ok: false, refusal: 'webhooks.scheme' });
    expect(checkUrl('not a url', { allowHttpLoopback: false })).toEqual({ ok: false, refusal: 'webhooks.url' });
    expect(await resolveTarget('https://nowhere.invalid/x', { allowHttpLoopback: false, resolve: async () => Promise.reject(new Error('ENOTFOUND')) })).toEqual({
      ok: false,
      refusal: 'webhooks.unresolved',
    });
    expect(await resolveTarget('http://127.0.0.1:9/x', { allowHttpLoopback: true })).toMatchObject({ ok: true, address: '127.0.0.1' });
    expect(await resolveTarget('http://hooks.example.com/x', { allowHttpLoopback: true, resolve: async () => ['93.184.216.34'] })).toEqual({ ok: false, refusal: 'webhooks.scheme' });
  });

  it('shows a URL without its query, which may hold a key', () => {
    expect(shownUrl('https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=secret-key')).toBe('https://qyapi.weixin.qq.com/cgi-bin/webhook/send?…');
    expect(shownUrl('https://hooks.example.com/tim')).toBe('https://hooks.example.com/tim');
  });
});

describe('a failed delivery explained', () => {
  it('tells a refused target, an HTTP answer, a redirect, a timeout and a connection apart', () => {
    expect(deliveryError('webhooks.privateAddress')).toEqual({ kind: 'refused', code: 'webhooks.privateAddress' });
    expect(deliveryError('http 503')).toEqual({ kind: 'http', status: 503 });
    expect(deliveryError('redirect: 307 to x')).toEqual({ kind: 'redirect' });
    expect(deliveryError('timeout: no answer within 10000 ms')).toEqual({ kind: 'timeout' });
    expect(deliveryError('connection: connect ECONNREFUSED 127.0.0.1:9')).toEqual({ kind: 'connection' });
  });
});

describe('sealed URLs', () => {
  it('keep no part of the URL readable, open under the same secret only, and differ each time', () => {
    const url = 'https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=robot-key-123';
    const sealed = sealUrl(url, 's'.repeat(32));
    expect(sealed).not.toContain('robot-key');
    expect(sealed).not.toContain('qyapi');
    expect(sealUrl(url, 's'.repeat(32))).not.toBe(sealed);
    expect(openUrl(sealed, 's'.repeat(32))).toBe(url);
    expect(openUrl(sealed, 't'.repeat(32))).toBeNull();
    expect(openUrl(url, 's'.repeat(32))).toBeNull();
    expect(openUrl(`${sealed.slice(0, -2)}AA`, 's'.repeat(32))).toBeNull();
  });
});

describe('signatures', () => {
  it('verify within five minutes of their timestamp, for that body and secret only', () => {
    const secret = hookSecret('s'.repeat(32), 'salt');
    const headers = { timestamp: '1000', signature: sign(secret, 1000, '{"a":1}') };
    expect(verify(secret, headers, '{"a":1}', 1200)).toBe(true);
    expect(verify(secret, headers, '{"a":1}', 1301)).toBe(false);
    expect(verify(secret, headers, '{"a":2}', 1000)).toBe(false);
    expect(verify(hookSecret('s'.repeat(32), 'other'), headers, '{"a":1}', 1000)).toBe(false);
    expect(verify(secret, { ...headers, timestamp: '999' }, '{"a":1}', 1000)).toBe(false);
  });
});

describe('delivery bodies', () => {
  const run = { id: 42, kind: 'remove', appId: 'prod', status: 'completed', total: 1000, succeeded: 990, failed: 10, notSent: 0 } as ApiRun;

  it('are the documented JSON for any receiver', () => {
    expect(JSON.parse(deliveryBody({ url: 'https://hooks.example.com/x' }, 'run.completed', run, 'https://c/history/42', ENGLISH))).toEqual({
      event: 'run.completed',
      run,
      link: 'https://c/history/42',
    });
  });

  it("are a text message in the hook's language for a WeCom robot", () => {
    const url = { url: 'https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k' };
    expect(JSON.parse(deliveryBody(url, 'run.completed', run, '/history/42', ENGLISH))).toEqual({
      msgtype: 'text',
      text: { content: 'TIM Push Attribute Console: removal 42 on prod completed: 1,000 users, 990 done, 10 failed, 0 not sent. /history/42' },
    });
    expect(JSON.parse(deliveryBody(url, 'run.cancelled', { ...run, status: 'cancelled' }, '/history/42', messagesFor('zh'))).text.content).toBe(
      'TIM 推送属性控制台：应用 prod 的移除任务 42 已取消：共 1,000 个用户，成功 990 个，失败 10 个，未发送 0 个。/history/42',
    );
  });
});
