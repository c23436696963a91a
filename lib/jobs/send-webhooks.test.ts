import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { twoStoresOnOneFile } from '../../test-support/two-stores';
import { Secret } from '../secret';
import type { Store } from '../store/store';
import { sealUrl } from '../webhooks/sealed-url';
import { hookSecret, SIGNATURE_HEADER, TIMESTAMP_HEADER, verify } from '../webhooks/signature';
import { RETRY_AFTER_MS, sendDueWebhooks } from './send-webhooks';

const env = twoStoresOnOneFile();
const SESSION_SECRET = new Secret('a-session-secret-for-the-webhook-test-0123');
const by = { operator: 'ann', clientIp: null };

interface Received {
  headers: IncomingMessage['headers'];
  body: string;
}

let server: Server;
let received: Received[];
let answer: { status: number; location?: string };

beforeEach(async () => {
  received = [];
  answer = { status: 204 };
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      received.push({ headers: req.headers, body });
      res.writeHead(answer.status, answer.location ? { location: answer.location } : {}).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
});
afterEach(() => new Promise<void>((resolve) => server.close(() => resolve())));

const url = () => `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
const deps = (store: Store, nowMs = () => Date.now()) => ({ store, sessionSecret: SESSION_SECRET, policy: { allowHttpLoopback: true }, publicUrl: 'https://console.example.com', nowMs });

async function endedRun(store: Store, status: 'completed' | 'cancelled' = 'completed') {
  const { runId } = await store.runs.create(
    { source: 'csv', appId: 'default', sdkAppId: 1, region: 'china', operator: 'ann', users: [{ account: 'a', attrs: ['sex'] }] },
    { ...by, action: 'run-started' },
  );
  await store.runs.finish(runId, status === 'completed' ? { status: 'completed' } : { status: 'cancelled' });
  return runId;
}

async function hook(store: Store, to = url()) {
  return store.webhooks.add({ url: sealUrl(to, SESSION_SECRET.reveal()), locale: 'en', salt: 'salt-1', createdBy: 'ann' }, () => ({ ...by, action: 'webhook-added', detail: { url: to } }));
}

describe('webhook deliveries', () => {
  it('give up at once a hook whose URL was sealed under another SESSION_SECRET', async () => {
    await hook(env.one);
    await endedRun(env.one);
    await sendDueWebhooks({ ...deps(env.one), sessionSecret: new Secret('another-session-secret-for-the-webhook-test') });
    expect(received).toHaveLength(0);
    expect((await env.one.webhooks.list())[0]!.last).toMatchObject({ delivered: false, error: 'webhooks.url' });
    expect(await sendDueWebhooks(deps(env.one, () => Date.now() + 365 * 86_400_000))).toBe(0);
  });

  it('send each run end once, signed with the hook secret, with the run and its link', async () => {
    const h = await hook(env.one);
    const runId = await endedRun(env.one);
    expect(await sendDueWebhooks(deps(env.one))).toBe(1);
    expect(await sendDueWebhooks(deps(env.one))).toBe(0);
    expect(received).toHaveLength(1);
    const [got] = received;
    const secret = hookSecret(SESSION_SECRET.reveal(), h.salt);
    expect(verify(secret, { timestamp: got!.headers[TIMESTAMP_HEADER] as string, signature: got!.headers[SIGNATURE_HEADER] as string }, got!.body, Date.now() / 1000)).toBe(true);
    expect(JSON.parse(got!.body)).toMatchObject({ event: 'run.completed', run: { id: runId, status: 'completed', total: 1 }, link: `https://console.example.com/history/${runId}` });
    expect((await env.one.webhooks.list())[0]!.last).toMatchObject({ status: 204, delivered: true, error: null });
  });

  it('are claimed by one sender when two processes look at once', async () => {
    await hook(env.one);
    await endedRun(env.one, 'cancelled');
    const sent = await Promise.all([sendDueWebhooks(deps(env.one)), sendDueWebhooks(deps(env.two))]);
    expect(sent.sort()).toEqual([0, 1]);
    expect(received).toHaveLength(1);
    expect(JSON.parse(received[0]!.body).event).toBe('run.cancelled');
  });

  it('are tried again with backoff on an error answer, with the same body, and given up after the last wait', async () => {
    await hook(env.one);
    await endedRun(env.one);
    answer = { status: 500 };
    let now = Date.now();
    await sendDueWebhooks(deps(env.one, () => now));
    expect((await env.one.webhooks.list())[0]!.last).toMatchObject({ status: 500, delivered: false, error: 'http 500' });
    for (const wait of RETRY_AFTER_MS) {
      expect(await sendDueWebhooks(deps(env.one, () => now + wait - 1))).toBe(0);
      now += wait;
      expect(await sendDueWebhooks(deps(env.one, () => now))).toBe(1);
    }
    expect(await sendDueWebhooks(deps(env.one, () => now + 365 * 86_400_000))).toBe(0);
    expect(received).toHaveLength(1 + RETRY_AFTER_MS.length);
    expect(new Set(received.map((r) => r.body)).size).toBe(1);
  });

  it('never follow a redirect: it is a failed delivery', async () => {
    await hook(env.one);
    await endedRun(env.one);
    answer = { status: 307, location: 'http://169.254.169.254/latest/meta-data' };
    await sendDueWebhooks(deps(env.one));
    expect(received).toHaveLength(1);
    expect((await env.one.webhooks.list())[0]!.last).toMatchObject({ status: null, delivered: false, error: expect.stringMatching(/^redirect: 307/) });
  });

  it('are not made for a hook removed before the run ended, nor sent once it is removed', async () => {
    const h = await hook(env.one);
    await endedRun(env.one);
    await env.one.webhooks.remove(h.id, () => ({ ...by, action: 'webhook-removed', detail: { url: url() } }));
    await endedRun(env.one);
    expect(await sendDueWebhooks(deps(env.one))).toBe(0);
    expect(received).toHaveLength(0);
  });

  it('refuse at send time a name that now resolves to a private address', async () => {
    await hook(env.one, 'https://hooks.example.com/x');
    await endedRun(env.one);
    await sendDueWebhooks({ ...deps(env.one), policy: { allowHttpLoopback: false, resolve: async () => ['10.0.0.7'] } });
    expect((await env.one.webhooks.list())[0]!.last).toMatchObject({ delivered: false, error: 'webhooks.privateAddress' });
  });
});
