import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LEASE_TTL_MS, type LeaseIdentity } from '../../lease/lease';
import { openDatabase, type Db } from './database';
import { acquireLease } from './lease';

let dir: string;
let db: Db;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'lease-test-'));
  db = openDatabase(join(dir, 'console.db'));
});
afterEach(() => {
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

const a: LeaseIdentity = { id: 'a', pid: 101, host: 'h1' };
const b: LeaseIdentity = { id: 'b', pid: 202, host: 'h1' };
const alive = { isAlive: () => true };

describe('worker lease (one writer per database file)', () => {
  it('goes to the first taker; a second is refused and told who holds it', () => {
    expect(acquireLease(db, a, { nowMs: 0, ...alive })).toEqual({ ok: true });
    expect(acquireLease(db, b, { nowMs: 1000, ...alive })).toEqual({ ok: false, holder: expect.objectContaining({ holder: 'a', pid: 101, host: 'h1' }) });
    expect(acquireLease(db, a, { nowMs: 5000, ...alive })).toEqual({ ok: true });
    expect(db.prepare('SELECT holder, expires_ms, acquired_at FROM worker_lease').get()).toEqual({ holder: 'a', expires_ms: 5000 + LEASE_TTL_MS, acquired_at: new Date(0).toISOString() });
  });

  it('is taken over once it expires, and the old holder then learns it lost it', () => {
    acquireLease(db, a, { nowMs: 0, ...alive });
    expect(acquireLease(db, b, { nowMs: LEASE_TTL_MS - 1, ...alive }).ok).toBe(false);
    expect(acquireLease(db, b, { nowMs: LEASE_TTL_MS, ...alive }).ok).toBe(true);
    expect(acquireLease(db, a, { nowMs: LEASE_TTL_MS + 1, ...alive })).toMatchObject({ ok: false, holder: { holder: 'b' } });
  });

  it('is taken over at once from a holder on this host whose process is gone', () => {
    acquireLease(db, a, { nowMs: 0, ...alive });
    expect(acquireLease(db, b, { nowMs: 1, isAlive: (pid) => pid !== 101 }).ok).toBe(true);
    // A holder on another host is never judged by a local pid check: only expiry frees it.
    acquireLease(db, { id: 'c', pid: 303, host: 'h2' }, { nowMs: LEASE_TTL_MS + 2, ...alive });
    expect(acquireLease(db, a, { nowMs: LEASE_TTL_MS + 3, isAlive: () => false }).ok).toBe(false);
  });
});

describe('two takers of a lease whose holder is gone, on two connections', () => {
  it('the one that writes second, after the other took it, does not take it over', () => {
    const other = openDatabase(join(dir, 'console.db'));
    try {
      const x: LeaseIdentity = { id: 'x', pid: 303, host: 'h1' };
      acquireLease(db, x, { nowMs: 0, ...alive });
      // A reads x and asks whether its pid runs: meanwhile b, on the other connection, finds x gone too and takes the lease.
      const isAlive = (pid: number) => {
        expect(acquireLease(other, b, { nowMs: 1, isAlive: () => false })).toEqual({ ok: true });
        return pid !== 303;
      };
      expect(acquireLease(db, a, { nowMs: 2, isAlive })).toEqual({ ok: false, holder: expect.objectContaining({ holder: 'b', pid: 202 }) });
      expect(db.prepare('SELECT holder FROM worker_lease').pluck().all()).toEqual(['b']);
    } finally {
      other.close();
    }
  });
});

/** A real second process on the same file, as `npm start` run twice or a rolling deploy would make. */
class Contender {
  readonly child: ChildProcess;
  private readonly lines: Record<string, unknown>[] = [];
  private waiters: (() => void)[] = [];

  constructor(dbPath: string) {
    this.child = spawn(process.execPath, ['--conditions=react-server', '--import', 'tsx', 'test-support/lease-holder.ts', dbPath], {
      env: { ...process.env, LEASE_POLL_MS: '100' },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    createInterface({ input: this.child.stdout! }).on('line', (l) => {
      this.lines.push(JSON.parse(l) as Record<string, unknown>);
      for (const w of this.waiters.splice(0)) w();
    });
  }

  async until(pred: (line: Record<string, unknown>) => boolean, timeoutMs = 15_000): Promise<Record<string, unknown>> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const hit = this.lines.find(pred);
      if (hit) return hit;
      if (Date.now() > deadline) throw new Error(`no matching line; saw ${JSON.stringify(this.lines)}`);
      await new Promise<void>((r) => {
        this.waiters.push(r);
        setTimeout(r, 200);
      });
    }
  }

  kill(signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return Promise.resolve();
    const exited = new Promise<void>((r) => this.child.once('exit', () => r()));
    this.child.kill(signal);
    return exited;
  }
}

describe('two processes on one database file', () => {
  const contenders: Contender[] = [];
  afterEach(async () => {
    await Promise.all(contenders.splice(0).map((c) => c.kill()));
  });

  it('one writes, the other stands by naming the holder, and takes over after the writer is SIGKILLed', async () => {
    const path = join(dir, 'shared.db');
    const first = new Contender(path);
    contenders.push(first);
    await first.until((l) => l.role === 'writer');
    const second = new Contender(path);
    contenders.push(second);
    const standby = await second.until((l) => l.role === 'standby');
    expect(standby.holderPid).toBe(first.child.pid);

    await first.kill('SIGKILL');
    // Well within LEASE_TTL_MS: the holder's process is gone from this host.
    const started = Date.now();
    await second.until((l) => l.role === 'writer', LEASE_TTL_MS);
    expect(Date.now() - started).toBeLessThan(LEASE_TTL_MS);
  }, 30_000);
});
