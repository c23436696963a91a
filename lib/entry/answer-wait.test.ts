import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { waitForTheAnswer } from './answer-wait';

const IDLE_MS = 100;
let server: Server;
afterEach(() => new Promise<void>((resolve) => server.close(() => resolve())));

/** A server that answers three idle bounds after the body has arrived; with `wait`, as the upload route's socket is kept. */
async function slowAnswerer(wait: boolean): Promise<number> {
  server = createServer((req, res) => {
    if (wait) waitForTheAnswer(req, res, IDLE_MS);
    req.resume();
    req.once('end', () => setTimeout(() => res.end('staged'), 3 * IDLE_MS));
  });
  server.timeout = IDLE_MS;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

const post = (port: number) =>
  new Promise<string>((resolve, reject) => {
    const req = request({ port, host: '127.0.0.1', method: 'POST', path: '/api/uploads' }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => resolve(body));
    });
    req.on('error', reject);
    req.end('user\nalice\n');
  });

describe('an upload waiting for its answer', () => {
  it('keeps its socket past the idle bound once the body has arrived whole', async () => {
    expect(await post(await slowAnswerer(true))).toBe('staged');
  });

  it('would lose it otherwise', async () => {
    await expect(post(await slowAnswerer(false))).rejects.toThrow(/socket hang up/);
  });
});
