import { createHmac } from 'node:crypto';
import { deflateSync } from 'node:zlib';

/**
 * TLS sig API v2, as tim-api-facts.md §5 describes the `tls-sig-api-v2` package. Written here so
 * the clock can be injected (the package reads Date.now and has no default expiry).
 */
export interface UserSigInput {
  sdkAppId: number;
  identifier: string;
  secretKey: string;
  /** Lifetime in seconds (a duration, not a timestamp). */
  expireSeconds: number;
  nowMs: number;
}

function hmacBase64(secretKey: string, identifier: string, sdkAppId: number, time: number, expire: number): string {
  const input =
    `TLS.identifier:${identifier}\n` + `TLS.sdkappid:${sdkAppId}\n` + `TLS.time:${time}\n` + `TLS.expire:${expire}\n`;
  return createHmac('sha256', secretKey).update(input, 'utf8').digest('base64');
}

export function genUserSig({ sdkAppId, identifier, secretKey, expireSeconds, nowMs }: UserSigInput): string {
  const time = Math.floor(nowMs / 1000);
  // Key order matters: the service inflates and parses this exact document.
  const doc = {
    'TLS.ver': '2.0',
    'TLS.identifier': identifier,
    'TLS.sdkappid': sdkAppId,
    'TLS.time': time,
    'TLS.expire': expireSeconds,
    'TLS.sig': hmacBase64(secretKey, identifier, sdkAppId, time, expireSeconds),
  };
  const b64 = deflateSync(Buffer.from(JSON.stringify(doc), 'utf8')).toString('base64');
  return b64.replace(/\+/g, '*').replace(/\//g, '-').replace(/=/g, '_');
}
