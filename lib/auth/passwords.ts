import 'server-only';
import { hash, verify } from '@node-rs/argon2';

// Argon2id (the library's default algorithm) with its defaults: m=19 MiB, t=2, p=1, OWASP's baseline.
export const hashPassword = (password: string): Promise<string> => hash(password);

export async function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
  try {
    return await verify(passwordHash, password);
  } catch {
    return false;
  }
}

/** A hash to verify against when the username is unknown, so timing does not tell which names exist. */
let decoy: Promise<string> | null = null;
export function decoyHash(): Promise<string> {
  decoy ??= hash('decoy-password-for-unknown-users');
  return decoy;
}
