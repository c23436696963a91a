import 'server-only';
import http from 'node:http';
import https from 'node:https';

export interface HttpReply {
  status: number;
  text: string;
}

/**
 * Largest reply read, in bytes. The largest a TIM API sends is get_attr's for 100 users (fact sheet
 * §3, §7): 100 × (an ID of ≤ 64 bytes + 10 attributes × (a name and a value of ≤ 50 bytes each)) is
 * about 115 kB as plain JSON, and about 620 kB if every byte of every name and value were
 * \u-escaped. 1 MiB holds that worst case with room to spare; a longer reply is not one of TIM's.
 */
export const MAX_REPLY_BYTES = 1024 * 1024;

/** The reply went past MAX_REPLY_BYTES: its connection was closed there, and nothing of it is used. */
export class ReplyTooLarge extends Error {
  override readonly name = 'ReplyTooLarge';
  constructor() {
    super(`reply over ${MAX_REPLY_BYTES} bytes`);
  }
}

/**
 * POSTs a JSON body and reads the whole reply; rejects on a network error, when `signal` aborts,
 * and with ReplyTooLarge as soon as the reply goes past MAX_REPLY_BYTES.
 */
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
          // Destroying the request closes its socket: the rest of an oversized reply is never received.
          const tooLarge = () => {
            request.destroy();
            settle(reject)(new ReplyTooLarge());
          };
          if (Number(response.headers['content-length']) > MAX_REPLY_BYTES) return tooLarge();
          const chunks: Buffer[] = [];
          let size = 0;
          response.on('data', (chunk: Buffer) => {
            size += chunk.length;
            if (size > MAX_REPLY_BYTES) tooLarge();
            else chunks.push(chunk);
          });
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
