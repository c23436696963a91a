import { readFileSync } from 'node:fs';
import { createServer as createHttpsServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createPostJson, MAX_REPLY_BYTES, ReplyTooLarge } from './http-post';

// A self-signed certificate for 127.0.0.1, made for these tests only.
const fixture = (name: string) => readFileSync(join(import.meta.dirname, 'test-fixtures', name), 'utf8');
const cert = fixture('localhost-cert.pem');
const key = fixture('localhost-key.pem');

let server: Server | null = null;
afterEach(() => {
  server?.closeAllConnections();
  server?.close();
  server = null;
});

async function httpsServer(handler: Parameters<typeof createHttpsServer>[1]): Promise<string> {
  server = createHttpsServer({ cert, key }, handler);
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  return `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

describe('postJson over HTTPS (the real TIM domains are HTTPS)', () => {
  it('posts the JSON body with its content type and reads the reply, reusing the connection', async () => {
    const sockets = new Set<unknown>();
    const base = await httpsServer((req, res) => {
      sockets.add(req.socket);
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => res.end(JSON.stringify({ body, type: req.headers['content-type'], path: req.url })));
    });
    const post = createPostJson({ ca: cert });
    const first = await post(`${base}/v4/timpush/remove_attr?random=1`, '{"UserAttrs":[]}', new AbortController().signal);
    expect(first.status).toBe(200);
    expect(JSON.parse(first.text)).toEqual({ body: '{"UserAttrs":[]}', type: 'application/json', path: '/v4/timpush/remove_attr?random=1' });
    await post(`${base}/x`, '{}', new AbortController().signal);
    expect(sockets.size).toBe(1);
  });

  it('refuses a certificate it does not trust', async () => {
    const base = await httpsServer((_req, res) => res.end('{}'));
    await expect(createPostJson()(`${base}/x`, '{}', new AbortController().signal)).rejects.toMatchObject({
      code: 'DEPTH_ZERO_SELF_SIGNED_CERT',
    });
  });

  it('settles with the abort reason when the signal fires mid-reply', async () => {
    const base = await httpsServer((_req, res) => {
      res.writeHead(200, { 'content-length': '100' });
      res.write('{"partial":');
    });
    const controller = new AbortController();
    const pending = createPostJson({ ca: cert })(`${base}/x`, '{}', controller.signal);
    setTimeout(() => controller.abort(new DOMException('request timed out', 'TimeoutError')), 100);
    await expect(pending).rejects.toMatchObject({ name: 'TimeoutError' });
  });

  it(`reads a reply of exactly ${MAX_REPLY_BYTES} bytes whole`, async () => {
    const base = await httpsServer((_req, res) => res.end('x'.repeat(MAX_REPLY_BYTES)));
    const reply = await createPostJson({ ca: cert })(`${base}/x`, '{}', new AbortController().signal);
    expect(reply.text).toHaveLength(MAX_REPLY_BYTES);
  });

  it('stops reading an endless reply once it passes the limit, and closes its connection', async () => {
    let written = 0;
    let closed = false;
    const base = await httpsServer((_req, res) => {
      const chunk = Buffer.alloc(64 * 1024, 'a');
      res.on('close', () => (closed = true));
      const more = () => {
        while (!res.destroyed) {
          written += chunk.length;
          if (!res.write(chunk)) return void res.once('drain', more);
        }
      };
      more();
    });
    const pending = createPostJson({ ca: cert })(`${base}/x`, '{}', new AbortController().signal);
    await expect(pending).rejects.toBeInstanceOf(ReplyTooLarge);
    await expect.poll(() => closed).toBe(true);
    // The socket buffers take a little past the limit, then the server is cut off.
    expect(written).toBeLessThan(10 * MAX_REPLY_BYTES);
  });

  it('refuses a reply whose announced length is over the limit without waiting for its body', async () => {
    const base = await httpsServer((_req, res) => {
      res.writeHead(200, { 'content-length': String(10_000_000) });
      res.write('{"ErrorInfo":"');
    });
    await expect(createPostJson({ ca: cert })(`${base}/x`, '{}', new AbortController().signal)).rejects.toBeInstanceOf(ReplyTooLarge);
  });
});
