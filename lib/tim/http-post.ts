import 'server-only';
import http from 'node:http';
import https from 'node:https';

export interface HttpReply {
  status: number;
  text: string;
}

/** POSTs a JSON body and reads the whole reply; rejects on a network error or when `signal` aborts. */
export type PostJson = (url: string, body: string, signal: AbortSignal) => Promise<HttpReply>;

/**
 * node:http rather than fetch: undici's fetch leaves each finished request's objects to V8's next
 * major collection, which at 100 requests/s grew a million-user job's memory by hundreds of MB.
 */
export function createPostJson(tls: { /** Replaces the trusted roots: a test's own certificate. */ ca?: string } = {}): PostJson {
  // Kept-alive sockets: at 100 requests/s a fresh TLS handshake per request is wasted time.
  const agents = {
    'http:': new http.Agent({ keepAlive: true }),
    'https:': new https.Agent({ keepAlive: true, ca: tls.ca }),
  };
  return (url, body, signal) =>
    new Promise((resolve, reject) => {
      const target = new URL(url);
      const secure = target.protocol === 'https:';
      // An abort while the reply is still streaming in must settle too, and as the abort (a timeout).
      const onAbort = () => {
        request.destroy();
        reject(signal.reason instanceof Error ? signal.reason : new DOMException('aborted', 'AbortError'));
      };
      const settle = <T>(done: (value: T) => void) => (value: T) => {
        signal.removeEventListener('abort', onAbort);
        done(value);
      };
      const request = (secure ? https : http).request(
        target,
        {
          method: 'POST',
          agent: agents[secure ? 'https:' : 'http:'],
          headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
        },
        (response) => {
          const chunks: Buffer[] = [];
          response.on('data', (chunk: Buffer) => chunks.push(chunk));
          response.on('end', () => settle(resolve)({ status: response.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
          response.on('error', settle(reject));
        },
      );
      request.on('error', settle(reject));
      if (signal.aborted) return onAbort();
      signal.addEventListener('abort', onAbort, { once: true });
      request.end(body);
    });
}

export const postJson = createPostJson();
