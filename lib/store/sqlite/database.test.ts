import Database from 'better-sqlite3';
import { spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { openDatabase } from './database';
import { MIGRATIONS } from './migrations';

const modeOf = (path: string) => (statSync(path).mode & 0o777).toString(8);

let dir: string;
let umask: number;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'database-test-'));
  // The usual default, under which a file is created 644 and a folder 755 unless asked otherwise.
  umask = process.umask(0o022);
});
afterEach(() => {
  process.umask(umask);
  vi.restoreAllMocks();
  rmSync(dir, { recursive: true, force: true });
});

describe('the database file', () => {
  it('is created 600 with its -wal and -shm, in a folder the console creates 700; a folder it did not create keeps its mode', () => {
    chmodSync(dir, 0o755);
    const path = join(dir, 'data', 'console.db');
    const db = openDatabase(path);
    try {
      expect({
        parent: modeOf(dir),
        folder: modeOf(join(dir, 'data')),
        db: modeOf(path),
        wal: modeOf(`${path}-wal`),
        shm: modeOf(`${path}-shm`),
      }).toEqual({ parent: '755', folder: '700', db: '600', wal: '600', shm: '600' });
    } finally {
      db.close();
    }
  });

  it('takes the group and other bits off an existing database and the -wal and -shm left beside it, and says so', () => {
    const path = join(dir, 'console.db');
    // As an earlier version left it: 644, and a process that died with its -wal and -shm still there.
    const old = new Database(path);
    old.pragma('journal_mode = WAL');
    old.exec('CREATE TABLE t (x); INSERT INTO t VALUES (1)');
    for (const p of [path, `${path}-wal`, `${path}-shm`]) chmodSync(p, 0o644);
    const warned = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const db = openDatabase(path);
    try {
      expect([modeOf(path), modeOf(`${path}-wal`), modeOf(`${path}-shm`)]).toEqual(['600', '600', '600']);
      expect(warned.mock.calls.map(([line]) => JSON.parse(String(line)) as { event: string; from: string; to: string })).toEqual([
        expect.objectContaining({ event: 'database.mode-tightened', from: '644', to: '600' }),
        expect.objectContaining({ event: 'database.mode-tightened', from: '644', to: '600' }),
        expect.objectContaining({ event: 'database.mode-tightened', from: '644', to: '600' }),
      ]);
    } finally {
      db.close();
      old.close();
    }
  });
});

/** A console process starting: it opens the store (migrating the file), and exits 0, or 1 with what failed. */
function processOpening(path: string): Promise<{ code: number | null; stderr: string }> {
  const child = spawn(
    process.execPath,
    ['--conditions=react-server', '--import', 'tsx', 'test-support/open-database.ts', path],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve) => child.once('exit', (code) => resolve({ code, stderr })));
}

describe('migrations', () => {
  it('are applied once when three processes start on a new file at the same moment', async () => {
    for (const attempt of [1, 2, 3]) {
      const path = join(dir, `together-${attempt}.db`);
      const started = await Promise.all([processOpening(path), processOpening(path), processOpening(path)]);
      expect(started.map((s) => (s.code === 0 ? 0 : s.stderr))).toEqual([0, 0, 0]);
      const db = new Database(path, { readonly: true });
      try {
        expect(db.prepare('SELECT version FROM schema_migrations ORDER BY version').pluck().all()).toEqual(MIGRATIONS.map((m) => m.version));
      } finally {
        db.close();
      }
    }
  }, 60_000);
});
