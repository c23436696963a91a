import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startSimulator, type Simulator } from '../../sim/server';
import { createTimClient, type TimClient } from './client';
import { postJson, type PostJson } from './http-post';
import { readBatchReply } from './outcomes';
import { TIM_PATHS, type UserAttrs } from './wire';
import { createUserSigCache } from './usersig-cache';

const removeAttr = (c: TimClient, userAttrs: UserAttrs[]) => c.call(TIM_PATHS.removeAttr, { UserAttrs: userAttrs });

const APP = 1400000000;
const KEY = 'client-test-key';

let sim: Simulator;
beforeAll(async () => {
  sim = await startSimulator({
    sdkAppId: APP,
    secretKey: KEY,
    attrNames: ['sex', 'city'],
    users: { alice: { sex: 'f', city: 'x' }, bob: { sex: 'm', city: 'y' } },
  });
});
afterAll(() => sim.close());

function client(over: { key?: string; baseUrl?: string; timeoutMs?: number; post?: PostJson } = {}) {
  return createTimClient({
    sdkAppId: APP,
    identifier: 'administrator',
    baseUrl: over.baseUrl ?? sim.url,
    timeoutMs: over.timeoutMs ?? 2000,
    post: over.post,
    userSig: createUserSigCache({ sdkAppId: APP, identifier: 'administrator', secretKey: () => over.key ?? KEY }),
  });
}

describe('TIM client over real HTTP to the simulator', () => {
  it('builds the URL with every required parameter and a fresh uint32 random', async () => {
    const urls: string[] = [];
    const spy: PostJson = (url, body, signal) => {
      urls.push(url);
      return postJson(url, body, signal);
    };
    const c = client({ post: spy });
    await removeAttr(c, [{ To_Account: 'alice', Attrs: ['sex'] }]);
    await removeAttr(c, [{ To_Account: 'alice', Attrs: ['sex'] }]);
    const [a, b] = urls.map((u) => new URL(u));
    expect(a!.pathname).toBe('/v4/timpush/remove_attr');
    expect(a!.searchParams.get('sdkappid')).toBe(String(APP));
    expect(a!.searchParams.get('identifier')).toBe('administrator');
    expect(a!.searchParams.get('contenttype')).toBe('json');
    expect(a!.searchParams.get('usersig')).toBe(b!.searchParams.get('usersig'));
    const r = Number(a!.searchParams.get('random'));
    expect(Number.isInteger(r) && r >= 0 && r <= 4294967295).toBe(true);
    expect(a!.searchParams.get('random')).not.toBe(b!.searchParams.get('random'));
  });

  it('reads a partial ErrorList into per-user outcomes and changes only known users', async () => {
    sim.reset();
    const result = await removeAttr(client(), [
      { To_Account: 'alice', Attrs: ['city'] },
      { To_Account: 'ghost', Attrs: ['city'] },
    ]);
    const reading = readBatchReply(['alice', 'ghost'], result);
    expect(reading.kind).toBe('per-user');
    expect(reading.users[0]).toEqual({ account: 'alice', failure: null });
    expect(reading.users[1]!.failure).toMatchObject({ code: 70107, handling: 'permanent' });
    expect(sim.getUser('alice')).toEqual({ sex: 'f' });
  });

  it('maps a wrong key to the fatal 70009', async () => {
    const reading = readBatchReply(['bob'], await removeAttr(client({ key: 'wrong' }), [{ To_Account: 'bob', Attrs: ['sex'] }]));
    expect(reading).toMatchObject({ kind: 'request-failed', failure: { code: 70009, handling: 'fatal' } });
  });

  it('loads the attribute names in slot order', async () => {
    expect(await client().getAttrNames()).toEqual({ ok: true, names: ['sex', 'city'] });
  });

  it('treats HTTP 502, refused connections and hangs as transport failures', async () => {
    sim.setConfig({ faults: { http5xx: 1 } });
    expect(await removeAttr(client(), [{ To_Account: 'bob', Attrs: ['sex'] }])).toMatchObject({ kind: 'transport', failure: 'http-5xx', detail: 'HTTP 502' });
    sim.setConfig({ faults: { http5xx: 0, hang: 1 } });
    expect(await removeAttr(client({ timeoutMs: 200 }), [{ To_Account: 'bob', Attrs: ['sex'] }])).toMatchObject({
      kind: 'transport',
      failure: 'timeout',
    });
    sim.setConfig({ faults: { hang: 0 } });
    expect(await removeAttr(client({ baseUrl: 'http://127.0.0.1:9' }), [{ To_Account: 'bob', Attrs: ['sex'] }])).toMatchObject({
      kind: 'transport',
      failure: 'network',
      detail: 'ECONNREFUSED',
    });
    sim.setConfig({ faults: { drop: 1 } });
    expect(await removeAttr(client(), [{ To_Account: 'bob', Attrs: ['sex'] }])).toMatchObject({ kind: 'transport', failure: 'network' });
    sim.setConfig({ faults: { drop: 0 } });
  });

  it('treats a 200 reply that is not JSON, or lacks ErrorCode, as a bad response', async () => {
    const replies = ['<html>gateway</html>', '{"hello":1}'];
    const server = createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end(replies.shift()));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      expect(await removeAttr(client({ baseUrl }), [{ To_Account: 'bob', Attrs: ['sex'] }])).toMatchObject({ failure: 'bad-response', detail: 'the reply was not JSON' });
      expect(await removeAttr(client({ baseUrl }), [{ To_Account: 'bob', Attrs: ['sex'] }])).toMatchObject({ failure: 'bad-response' });
    } finally {
      server.close();
    }
  });

  it('times out a reply that stops halfway through its body', async () => {
    const server = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': '100' });
      res.write('{"ActionStatus":');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      expect(await removeAttr(client({ baseUrl, timeoutMs: 150 }), [{ To_Account: 'bob', Attrs: ['sex'] }])).toMatchObject({
        kind: 'transport',
        failure: 'timeout',
      });
    } finally {
      server.closeAllConnections();
      server.close();
    }
  });

  it('logs the request URL with the UserSig redacted', async () => {
    const lines: string[] = [];
    const spy = vi.spyOn(console, 'log').mockImplementation((line: string) => void lines.push(line));
    try {
      await removeAttr(client(), [{ To_Account: 'bob', Attrs: ['sex'] }]);
    } finally {
      spy.mockRestore();
    }
    expect(lines.join('\n')).toContain('usersig=[redacted]');
    expect(lines.join('\n')).not.toMatch(/usersig=eJ/);
  });
});
