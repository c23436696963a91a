import { createCipheriv, createDecipheriv, createHmac, randomBytes } from 'node:crypto';

/**
 * A webhook URL as the database keeps it: sealed with AES-256-GCM under a key derived from
 * SESSION_SECRET, since its query may be its only credential (a WeCom robot's `?key=`). Pages and
 * logs show it unsealed and cut (shownUrl); only the sender needs it whole.
 */
const keyOf = (sessionSecret: string) => createHmac('sha256', sessionSecret).update('webhook-url').digest();

export function sealUrl(url: string, sessionSecret: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', keyOf(sessionSecret), iv);
  const sealed = Buffer.concat([cipher.update(url, 'utf8'), cipher.final()]);
  return `v1.${Buffer.concat([iv, cipher.getAuthTag(), sealed]).toString('base64url')}`;
}

/** The URL, or null when it was sealed under another SESSION_SECRET (rotated since) or is not sealed. */
export function openUrl(stored: string, sessionSecret: string): string | null {
  if (!stored.startsWith('v1.')) return null;
  const bytes = Buffer.from(stored.slice(3), 'base64url');
  if (bytes.length < 28) return null;
  try {
    const decipher = createDecipheriv('aes-256-gcm', keyOf(sessionSecret), bytes.subarray(0, 12));
    decipher.setAuthTag(bytes.subarray(12, 28));
    return Buffer.concat([decipher.update(bytes.subarray(28)), decipher.final()]).toString('utf8');
  } catch {
    return null;
  }
}
