// Independent UserSig (TLS sig API v2) decoder/verifier. Written from the fact sheet (§5) rather than
// shared with lib/, so that the simulator checks the console's signing code instead of agreeing with it.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { inflateSync } from 'node:zlib';

export interface DecodedUserSig {
  ver: string;
  identifier: string;
  sdkappid: number;
  time: number;
  expire: number;
  userbuf?: string;
  sig: string;
}

export type UserSigErrorCode = 70001 | 70003 | 70009 | 70013 | 70014;

export type UserSigCheck =
  | { ok: true; sig: DecodedUserSig }
  | { ok: false; code: UserSigErrorCode; reason: string };

export interface VerifyUserSigOptions {
  sdkAppId: number;
  identifier: string;
  secretKey: string;
  /** Current time in ms. */
  nowMs: number;
}

// A real admin sig is ~200 chars; anything far larger is not a sig and must not cost us an inflate.
const MAX_SIG_CHARS = 4096;
const MAX_INFLATED_BYTES = 16 * 1024;
const BASE64_RE = /^[A-Za-z0-9+/]*={0,2}$/;

function unescapeSig(userSig: string): string {
  return userSig.replace(/\*/g, '+').replace(/-/g, '/').replace(/_/g, '=');
}

function isFiniteInteger(v: unknown): v is number {
  return typeof v === 'number' && Number.isSafeInteger(v);
}

/** Returns null when the string is not a well-formed v2 UserSig (the service answers 70003). */
export function decodeUserSig(userSig: string): DecodedUserSig | null {
  if (userSig.length === 0 || userSig.length > MAX_SIG_CHARS) return null;
  const b64 = unescapeSig(userSig);
  // Buffer.from(…, 'base64') silently skips garbage, which would hide a truncated or mangled sig.
  if (!BASE64_RE.test(b64) || b64.length % 4 !== 0) return null;
  let json: string;
  try {
    json = inflateSync(Buffer.from(b64, 'base64'), { maxOutputLength: MAX_INFLATED_BYTES }).toString('utf8');
  } catch {
    return null;
  }
  let doc: unknown;
  try {
    doc = JSON.parse(json);
  } catch {
    return null;
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) return null;
  const o = doc as Record<string, unknown>;
  const ver = o['TLS.ver'];
  const identifier = o['TLS.identifier'];
  const sdkappid = o['TLS.sdkappid'];
  const time = o['TLS.time'];
  const expire = o['TLS.expire'];
  const userbuf = o['TLS.userbuf'];
  const sig = o['TLS.sig'];
  // The npm package emits "TLS.expire":null when called without an expire; treat that as unparsable.
  if (typeof ver !== 'string' || typeof identifier !== 'string' || typeof sig !== 'string') return null;
  if (!isFiniteInteger(sdkappid) || !isFiniteInteger(time) || !isFiniteInteger(expire)) return null;
  if (userbuf !== undefined && typeof userbuf !== 'string') return null;
  const decoded: DecodedUserSig = { ver, identifier, sdkappid, time, expire, sig };
  if (typeof userbuf === 'string') decoded.userbuf = userbuf;
  return decoded;
}

export function hmacInput(d: Pick<DecodedUserSig, 'identifier' | 'sdkappid' | 'time' | 'expire' | 'userbuf'>): string {
  let s =
    `TLS.identifier:${d.identifier}\n` +
    `TLS.sdkappid:${d.sdkappid}\n` +
    `TLS.time:${d.time}\n` +
    `TLS.expire:${d.expire}\n`;
  if (d.userbuf !== undefined) s += `TLS.userbuf:${d.userbuf}\n`;
  return s;
}

/**
 * Checks in the order the service reports them: parse (70003), sdkappid (70014), identifier (70013),
 * signature (70009), expiry (70001). A forged *and* expired sig therefore reports 70009.
 */
export function verifyUserSig(userSig: string, opts: VerifyUserSigOptions): UserSigCheck {
  const d = decodeUserSig(userSig);
  if (!d) return { ok: false, code: 70003, reason: 'usersig cannot be decoded' };
  if (d.sdkappid !== opts.sdkAppId) {
    return { ok: false, code: 70014, reason: 'sdkappid in usersig does not match the url' };
  }
  if (d.identifier !== opts.identifier) {
    return { ok: false, code: 70013, reason: 'identifier in usersig does not match the url' };
  }
  // The key is used as raw UTF-8 text, not hex-decoded (fact sheet §5 step 3).
  const expected = createHmac('sha256', opts.secretKey).update(hmacInput(d), 'utf8').digest();
  const given = BASE64_RE.test(d.sig) ? Buffer.from(d.sig, 'base64') : Buffer.alloc(0);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    return { ok: false, code: 70009, reason: 'usersig signature verification failed' };
  }
  if (opts.nowMs / 1000 > d.time + d.expire) {
    return { ok: false, code: 70001, reason: 'usersig expired' };
  }
  return { ok: true, sig: d };
}
