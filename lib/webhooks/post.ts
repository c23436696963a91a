import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { LookupFunction } from 'node:net';

export type PostResult = { status: number } | { error: 'timeout' | 'redirect' | 'connection'; detail: string };

/** The most of a receiver's answer read (and dropped): its status is what counts. */
const MAX_ANSWER_BYTES = 64 * 1024;

/**
 * One POST to the address the URL's name was checked to resolve to (the name still goes in Host
 * and TLS's SNI, so certificates are checked as usual). A redirect is never followed: it is a
 * failed delivery, since its target was never checked.
 */
export function postTo(target: { url: URL; address: string }, body: string, headers: Record<string, string>, timeoutMs: number): Promise<PostResult> {
  const pinned: LookupFunction = (_hostname, options, callback) => {
    const family = target.address.includes(':') ? 6 : 4;
    if (options.all) (callback as unknown as (err: null, addresses: { address: string; family: number }[]) => void)(null, [{ address: target.address, family }]);
    else callback(null, target.address, family);
  };
  const send = target.url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve) => {
    const req = send(
      target.url,
      { method: 'POST', lookup: pinned, timeout: timeoutMs, headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) } },
      (res) => {
        let read = 0;
        res.on('data', (chunk: Buffer) => {
          read += chunk.length;
          if (read > MAX_ANSWER_BYTES) res.destroy();
        });
        res.on('close', () => {
          const status = res.statusCode ?? 0;
          resolve(status >= 300 && status < 400 ? { error: 'redirect', detail: `${status} to ${res.headers.location ?? '?'}` } : { status });
        });
      },
    );
    req.on('timeout', () => {
      req.destroy();
      resolve({ error: 'timeout', detail: `no answer within ${timeoutMs} ms` });
    });
    req.on('error', (err) => resolve({ error: 'connection', detail: err.message }));
    req.end(body);
  });
}
