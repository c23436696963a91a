// `npm start`: the console's HTTP server, Next.js behind a gate of its own. `next start` cannot
// refuse a body before Next.js has read it (up to 1 MB, however slowly it is sent), and its Node
// server cuts any request at 300 s, a slow but steady 1 GiB upload included. Here a body that
// must not be read is refused from the request's headers, before a byte of it is taken in.
// Usage: node --import tsx server.ts [-H HOST] [-p PORT]
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { parseArgs } from 'node:util';
import { API_UPLOAD_PATH, bodyGate, cookieValue, isSignIn, refusalResponse, signedCaller, UPLOAD_PATH } from './lib/entry/body-gate';
import { waitForTheAnswer } from './lib/entry/answer-wait';
import { createRateGate } from './lib/entry/rate-gate';
import { sameOriginOrNoBrowser } from './lib/entry/same-origin';
import { isAnyKnownDevice, KNOWN_DEVICE_COOKIE } from './lib/auth/known-device';
import { log } from './lib/log';
import { SHUTDOWN_BOUND_MS, shutDown } from './lib/entry/shutdown';
import { limitHeapGrowth } from './lib/entry/heap-growth';

limitHeapGrowth();

/** A request that sends nothing, in either direction, for this long is ended: a socket held open for nothing. */
export const IDLE_SOCKET_MS = 120_000;

/** Anyone's sign-in must have arrived whole by then: a few KiB at any real speed. */
export const ANONYMOUS_REQUEST_MS = 30_000;

/**
 * Sign-ins taken in per second, before Next.js renders an answer to any: a flood of made-up names
 * would otherwise cost a page render each on the event loop, even when the password checks
 * behind it are bounded (lib/auth/lanes.ts). A browser that signed in before has a bucket of its own.
 */
export const SIGN_INS_PER_SECOND = { perSecond: 3, burst: 5 };

/** A refusal of a foreign Origin is logged at most this often, with how many there were: anyone can send them. */
const CROSS_ORIGIN_LOG_MS = 60_000;

/** Once refused, the client may still be sending: its socket is closed if the body has not ended this long after the answer. */
const LINGER_AFTER_REFUSAL_MS = 10_000;

const { values } = parseArgs({
  options: { hostname: { type: 'string', short: 'H' }, port: { type: 'string', short: 'p' } },
});
const hostname = values.hostname ?? process.env.HOSTNAME ?? '0.0.0.0';
const port = Number(values.port ?? process.env.PORT ?? 3000);

(process.env as Record<string, string | undefined>).NODE_ENV ??= 'production';

function refuse(req: IncomingMessage, res: ServerResponse, url: { pathname: string; search: string }, refusal: Parameters<typeof refusalResponse>[0]): void {
  const { status, headers, text } = refusalResponse(refusal, url, { get: (name) => header(req, name) });
  // Node.js would close a connection whose request body is not all read once the answer is sent,
  // and a client still sending then fails with EPIPE before it reads the answer. Kept alive, the
  // rest of the body is read and dropped (nothing of it is held); a body still coming after a
  // while ends with its socket, and one that ends in time leaves the connection for the next request.
  res.shouldKeepAlive = true;
  res.writeHead(status, { ...headers, 'content-length': Buffer.byteLength(text) });
  res.end(text);
  if (req.complete) return;
  const linger = setTimeout(() => req.socket.destroy(), LINGER_AFTER_REFUSAL_MS).unref();
  req.once('end', () => clearTimeout(linger));
}

function header(req: IncomingMessage, name: string): string | null {
  const value = req.headers[name];
  return value === undefined ? null : Array.isArray(value) ? value.join(', ') : value;
}

async function main(): Promise<void> {
  const { default: next } = await import('next');
  const app = next({ dev: false, hostname, port, dir: process.cwd() });
  const handle = app.getRequestHandler();
  await app.prepare();
  const secret = process.env.SESSION_SECRET ?? '';
  const crossOrigin = { refused: 0, loggedMs: 0 };
  const signIns = { anyone: createRateGate(SIGN_INS_PER_SECOND), knownDevices: createRateGate(SIGN_INS_PER_SECOND) };

  const server = createServer((req, res) => {
    let url: { pathname: string; search: string };
    try {
      url = new URL(req.url ?? '/', 'http://console');
    } catch {
      url = { pathname: '/', search: '' };
    }
    const { pathname } = url;
    const headers = { get: (name: string) => header(req, name) };
    const method = req.method ?? 'GET';
    const signedIn = signedCaller(pathname, headers, secret);
    // Next.js would answer a server action from a foreign Origin with a bare 500; so would it one
    // behind a reverse proxy that passes neither the public Host nor X-Forwarded-Host.
    if (method !== 'GET' && method !== 'HEAD' && !sameOriginOrNoBrowser(headers)) {
      crossOrigin.refused++;
      if (Date.now() - crossOrigin.loggedMs >= CROSS_ORIGIN_LOG_MS) {
        log.warn('request.cross-origin-refused', { origin: headers.get('origin'), host: headers.get('x-forwarded-host') ?? headers.get('host'), refused: crossOrigin.refused, hint: 'behind a reverse proxy, pass the public Host or X-Forwarded-Host' });
        crossOrigin.loggedMs = Date.now();
        crossOrigin.refused = 0;
      }
      return refuse(req, res, url, { status: 403, code: 'request.crossOrigin' });
    }
    const refusal = bodyGate({ method, pathname, headers, signedIn });
    if (refusal) return refuse(req, res, url, refusal);
    if (!signedIn && isSignIn(method, pathname, headers)) {
      const known = isAnyKnownDevice(cookieValue(headers.get('cookie'), KNOWN_DEVICE_COOKIE), secret, Date.now());
      if (!(known ? signIns.knownDevices : signIns.anyone).take()) return refuse(req, res, url, { status: 429, code: 'auth.busy' });
      const deadline = setTimeout(() => req.socket.destroy(), ANONYMOUS_REQUEST_MS).unref();
      res.once('close', () => clearTimeout(deadline));
    }
    if (method === 'POST' && (pathname === UPLOAD_PATH || pathname === API_UPLOAD_PATH)) waitForTheAnswer(req, res, IDLE_SOCKET_MS);
    void handle(req, res);
  });
  // No limit on a whole request's time (a slow but steady upload of 1 GiB must finish); instead a
  // socket that moves nothing for IDLE_SOCKET_MS is ended, and the upload route ends a stalled file
  // sooner, with its reason.
  server.requestTimeout = 0;
  server.timeout = IDLE_SOCKET_MS;
  server.listen(port, hostname, () => console.log(`▲ TIM Push Attribute Console on http://${hostname}:${port}`));

  // As `next start` does: the exit code says which signal ended it. On SIGTERM the worker first
  // lets the batches in flight be recorded and releases its apps (bounded a little above its own wait).
  process.once('SIGTERM', () => void shutDown(SHUTDOWN_BOUND_MS).finally(() => process.exit(143)));
  process.once('SIGINT', () => process.exit(130));
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
