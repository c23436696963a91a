import 'server-only';
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';

/**
 * One writer per SQLite file: only the process holding this lease may send. It renews every
 * HEARTBEAT_MS; another process takes over once LEASE_TTL_MS passed without a renewal, or at once
 * when the holder was a process on this host that no longer exists (a SIGKILL, a crash).
 */
export const LEASE_TTL_MS = 20_000;
export const HEARTBEAT_MS = 5_000;

export interface LeaseHolder {
  holder: string;
  pid: number;
  host: string;
  acquiredAt: string;
  expiresMs: number;
}

export interface LeaseIdentity {
  id: string;
  pid: number;
  host: string;
}

const holder = globalThis as typeof globalThis & { __timConsoleProcess?: LeaseIdentity };

/**
 * This process, as the lease and the uploads it receives name it: one identity per process life,
 * however many times Next.js loads this module. A restart is a new identity on the same host.
 */
export const thisProcess = (): LeaseIdentity => (holder.__timConsoleProcess ??= { id: randomUUID(), pid: process.pid, host: hostname() });

/** Signal 0 tests for existence without touching the process; EPERM means it exists but is not ours. */
export function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export type LeaseAttempt = { ok: true } | { ok: false; holder: LeaseHolder };

export interface LeaseOptions {
  nowMs?: number;
  ttlMs?: number;
  isAlive?: (pid: number) => boolean;
}
