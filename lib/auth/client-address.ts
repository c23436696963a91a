import { isIP } from 'node:net';

/**
 * The client's address from X-Forwarded-For, given how many reverse proxies in front of the
 * console append to it. Each proxy appends the address it saw, so the trustworthy entry is the
 * `trustedHops`-th from the right: whatever stands left of it, the client may have written itself.
 * With no trusted proxy the header proves nothing. Anything but a plain IP is refused, so a
 * made-up value reaches neither the audit log nor the lockout.
 */
export function clientAddress(forwardedFor: string | null, trustedHops: number): string | null {
  if (trustedHops < 1 || !forwardedFor) return null;
  const entries = forwardedFor.split(',').map((e) => e.trim());
  const entry = entries[entries.length - trustedHops];
  return entry !== undefined && isIP(entry) !== 0 ? entry : null;
}

/**
 * Whether the client reached the outermost proxy over HTTPS, from X-Forwarded-Proto. Like
 * X-Forwarded-For, the header proves nothing without a trusted proxy in front: a client can
 * write it itself. The console never terminates TLS, so without one the answer is no.
 */
export function forwardedHttps(forwardedProto: string | null, trustedHops: number): boolean {
  return trustedHops >= 1 && forwardedProto?.trim().toLowerCase() === 'https';
}
